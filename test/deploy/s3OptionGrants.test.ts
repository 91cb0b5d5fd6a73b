import { describe, expect, it } from 'vitest';
import { s3OptionStatements } from '../../infra/s3OptionGrants.ts';
import { s3Config } from '../../src/flushers/s3/config.ts';

const key = (id: string) => `arn:aws:kms:eu-west-1:123456789012:key/${id}`;

describe('s3OptionStatements', () => {
  it('grants nothing for options that need no grant', () => {
    const configs = [
      s3Config({ bucket: 'b' }),
      s3Config({ bucket: 'b', sse: 'AES256', storageClass: 'GLACIER_IR', format: 'protobuf' }),
    ];
    expect(s3OptionStatements(configs, 'logs/')).toEqual([]);
    expect(s3OptionStatements([], 'logs/')).toEqual([]);
  });

  it('grants each SSE-KMS key once, and tagging on the key prefix when any flusher tags', () => {
    const statements = s3OptionStatements(
      [
        s3Config({ bucket: 'b', sse: 'aws:kms', sseKmsKeyId: key('a') }),
        s3Config({ bucket: 'b', sse: 'aws:kms', sseKmsKeyId: key('b'), objectTags: { team: 'x' } }),
        s3Config({ bucket: 'b', sse: 'aws:kms', sseKmsKeyId: key('a') }),
      ],
      'logs/',
    );
    expect(statements).toEqual([
      expect.objectContaining({
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: [key('a'), key('b')],
      }),
      expect.objectContaining({
        Action: ['s3:PutObjectTagging'],
        Resource: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['LogBucket', 'Arn'] }, '/logs/*']] }],
      }),
    ]);
  });
});
