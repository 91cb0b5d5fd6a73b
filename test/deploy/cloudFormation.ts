// Just enough CloudFormation to check a compiled template: its shape, a resolver for the
// intrinsic functions serverless.yml uses (so ARNs can be compared as strings), and a walk over
// every IAM policy statement.

export interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
}

export interface Template {
  readonly Resources: Record<string, Resource>;
  readonly Outputs?: Record<string, unknown>;
  readonly Conditions?: Record<string, unknown>;
}

/** The account, region and partition the resolver assumes for pseudo parameters. */
export const PSEUDO = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
};

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function resource(template: Template, id: string): Resource {
  const found = template.Resources[id];
  if (found === undefined) throw new Error(`no resource ${id}`);
  return found;
}

/** The environment variables of function resource `id`. */
export function functionEnvironment(template: Template, id: string): Record<string, unknown> {
  return (resource(template, id).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** The physical name CloudFormation would give `id`, from its name property. */
function physicalName(template: Template, id: string): string {
  const { Type, Properties } = resource(template, id);
  const nameProperty: Record<string, string> = {
    'AWS::SQS::Queue': 'QueueName',
    'AWS::Kinesis::Stream': 'Name',
    'AWS::S3::Bucket': 'BucketName',
    'AWS::Lambda::Function': 'FunctionName',
    'AWS::SNS::Topic': 'TopicName',
    'AWS::Logs::LogGroup': 'LogGroupName',
  };
  const property = nameProperty[Type];
  const name = property === undefined ? undefined : Properties[property];
  if (name === undefined) throw new Error(`${id} (${Type}) has no fixed name to resolve`);
  return resolve(template, name);
}

function arnOf(template: Template, id: string): string {
  const name = physicalName(template, id);
  const { Type } = resource(template, id);
  const region = `${PSEUDO['AWS::Region']}:${PSEUDO['AWS::AccountId']}`;
  switch (Type) {
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${region}:${name}`;
    case 'AWS::Kinesis::Stream':
      return `arn:aws:kinesis:${region}:stream/${name}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:function:${name}`;
    default:
      throw new Error(`no ARN rule for ${Type}`);
  }
}

/** Resolve Ref, Fn::GetAtt (Arn, QueueName), Fn::Sub and Fn::Join to a string. */
export function resolve(template: Template, value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (typeof value !== 'object' || value === null) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') {
    const pseudo = PSEUDO[node.Ref as keyof typeof PSEUDO];
    return pseudo ?? physicalName(template, node.Ref);
  }
  const getAtt = node['Fn::GetAtt'];
  if (Array.isArray(getAtt)) {
    const [id, attribute] = getAtt as [string, string];
    if (attribute === 'Arn') return arnOf(template, id);
    if (attribute === 'QueueName') return physicalName(template, id);
    throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
  }
  const sub = node['Fn::Sub'];
  if (typeof sub === 'string') {
    return sub.replace(/\$\{([^}]+)\}/g, (_match, name: string) => resolve(template, { Ref: name }));
  }
  const join = node['Fn::Join'];
  if (Array.isArray(join)) {
    const [separator, parts] = join as [string, unknown[]];
    return parts.map((part) => resolve(template, part)).join(separator);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

export interface Statement {
  /** Where the statement is: resource id and property path. */
  readonly at: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every statement of every policy document anywhere in the template (roles, policies, bucket policies). */
export function policyStatements(template: Template): Statement[] {
  const statements: Statement[] = [];
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, `${at}[${i}]`);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, child] of Object.entries(node)) {
      if (/PolicyDocument$/.test(key) && typeof child === 'object' && child !== null) {
        const list = (child as { Statement?: unknown }).Statement;
        for (const [i, statement] of (Array.isArray(list) ? list : [list]).entries()) {
          statements.push({ ...(statement as Omit<Statement, 'at'>), at: `${at}.${key}.Statement[${i}]` });
        }
      } else {
        walk(child, `${at}.${key}`);
      }
    }
  };
  walk(template.Resources, 'Resources');
  return statements;
}

export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** IAM-style wildcard match: `*` any run of characters, `?` one character. */
export function iamMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** Whether some Allow statement in the template grants `action` on `arn`. */
export function isAllowed(template: Template, action: string, arn: string): boolean {
  return policyStatements(template).some(
    (statement) =>
      statement.Effect === 'Allow' &&
      asList(statement.Action).includes(action) &&
      asList(statement.Resource).some((value) => iamMatches(resolve(template, value), arn)),
  );
}
