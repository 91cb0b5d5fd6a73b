// The IAM statements the S3 flusher's object options need beyond serverless.yml's base grants
// (s3:PutObject and s3:AbortMultipartUpload on the bucket's key prefix). infra/serverlessPlugin.cjs
// adds them to the functions' role at package time, from the S3 configuration the functions will
// read (provider.environment, or the S3 flushers of a pipeline file), so a deployment is granted
// exactly what its options use and nothing when they are unset.
import type { S3Config } from '../src/flushers/s3/config.ts';
import { S3Sse } from '../src/flushers/s3/objectSettings.ts';

/** One Allow statement, as CloudFormation takes it in a role's policy. */
export interface IamStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly unknown[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * S3 asks KMS for a data key when it encrypts a new object with SSE-KMS (PutObject,
 * CreateMultipartUpload) and to decrypt that key for each part of a multipart upload.
 */
const KMS_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/** A PutObject or CreateMultipartUpload carrying `x-amz-tagging` also needs this permission. */
const TAGGING_ACTION = 's3:PutObjectTagging';

/**
 * The statements for `configs` (the S3 flushers writing to the stack's bucket): KMS use of each
 * SSE-KMS key, by that key's ARN and only through S3 in the stack's region (`kms:ViaService`), and
 * `s3:PutObjectTagging` on the granted key prefix when any of them tags its objects. Empty when no
 * option needs a grant.
 *
 * @example
 * ```ts
 * s3OptionStatements([s3ConfigFromEnv(environment)], 'logs/');
 * // [{ Sid: 'S3FlusherKmsKeys', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [keyArn], … }]
 * ```
 */
export function s3OptionStatements(configs: readonly S3Config[], keyPrefix: string): IamStatement[] {
  const statements: IamStatement[] = [];
  const keys = [
    ...new Set(configs.flatMap((config) => (config.sse === S3Sse.kms ? [config.sseKmsKeyId!] : []))),
  ];
  if (keys.length > 0) {
    statements.push({
      Sid: 'S3FlusherKmsKeys',
      Effect: 'Allow',
      Action: KMS_ACTIONS,
      Resource: keys,
      Condition: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax.
        StringEquals: { 'kms:ViaService': { 'Fn::Sub': 's3.${AWS::Region}.amazonaws.com' } },
      },
    });
  }
  if (configs.some((config) => Object.keys(config.objectTags).length > 0)) {
    statements.push({
      Sid: 'S3FlusherObjectTags',
      Effect: 'Allow',
      Action: [TAGGING_ACTION],
      Resource: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['LogBucket', 'Arn'] }, `/${keyPrefix}*`]] }],
    });
  }
  return statements;
}
