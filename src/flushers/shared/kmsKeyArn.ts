/**
 * A KMS key ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`), what both destinations take
 * for a customer key. CloudWatch Logs' CreateLogGroup accepts only a key ARN. A key id or an alias
 * would also do for S3, but the deployment's IAM grant is scoped to the key's ARN, and an alias
 * ARN cannot be the resource of such a grant.
 */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** How a configuration error describes a value that is not a {@link KMS_KEY_ARN}. */
export function notAKmsKeyArn(value: string): string {
  return `"${value}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`;
}
