import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { s3Config } from '../../../src/flushers/s3/config.ts';
import {
  encryptionSettings,
  objectSettings,
  objectTagsProblem,
  parseObjectTags,
} from '../../../src/flushers/s3/objectSettings.ts';
import {
  S3_MAX_OBJECT_TAGS,
  S3_MAX_TAG_KEY_CHARS,
  S3_MAX_TAG_VALUE_CHARS,
} from '../../../src/flushers/s3/s3Limits.ts';

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Characters S3 allows in tags, the ones that need %-escaping in the header included. */
const tagChar = fc.constantFrom(...'aZ09 +-=._:/@äß東京'.split(''), '\u00a0');
const tagText = (min: number, max: number) => fc.string({ unit: tagChar, minLength: min, maxLength: max });
const validTags = fc
  .uniqueArray(fc.tuple(tagText(1, S3_MAX_TAG_KEY_CHARS), tagText(0, S3_MAX_TAG_VALUE_CHARS)), {
    maxLength: S3_MAX_OBJECT_TAGS,
    selector: ([key]) => key,
  })
  .filter((pairs) => pairs.every(([key]) => !key.toLowerCase().startsWith('aws:')))
  .map((pairs) => Object.fromEntries(pairs));

describe('object tags', () => {
  it('round-trip through the x-amz-tagging header text: parse(objectSettings(tags).Tagging) = tags', () => {
    fc.assert(
      fc.property(validTags, (tags) => {
        expect(objectTagsProblem(tags)).toBeUndefined();
        const { Tagging } = objectSettings({ ...s3Config({ bucket: 'b' }), objectTags: tags });
        if (Object.keys(tags).length === 0) expect(Tagging).toBeUndefined();
        else expect(parseObjectTags(Tagging!)).toEqual(tags);
      }),
    );
  });

  it('counts characters, not UTF-16 units or bytes, against the limits', () => {
    // U+1D49C, a letter outside the BMP: two UTF-16 units, four UTF-8 bytes, one character.
    const letter = '\u{1d49c}';
    expect(
      objectTagsProblem({ [letter.repeat(S3_MAX_TAG_KEY_CHARS)]: letter.repeat(S3_MAX_TAG_VALUE_CHARS) }),
    ).toBeUndefined();
    expect(objectTagsProblem({ k: letter.repeat(S3_MAX_TAG_VALUE_CHARS + 1) })).toMatch(/longer than 256/);
    expect(objectTagsProblem({ [letter.repeat(S3_MAX_TAG_KEY_CHARS + 1)]: '' })).toMatch(/1\.\.128/);
  });

  it('keeps a key named __proto__ as data', () => {
    expect(Object.keys(parseObjectTags('__proto__=x&a=b'))).toEqual(['__proto__', 'a']);
  });
});

describe('objectSettings', () => {
  it('maps each option to its request parameter, and sends none of the unset ones', () => {
    const base = s3Config({ bucket: 'b' });
    expect(objectSettings(base)).toEqual({});
    expect(
      objectSettings({
        ...base,
        storageClass: 'INTELLIGENT_TIERING',
        sse: 'aws:kms',
        sseKmsKeyId: KEY_ARN,
        sseBucketKey: false,
        objectTags: { 'a b': 'c=d/e' },
      }),
    ).toEqual({
      StorageClass: 'INTELLIGENT_TIERING',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_ARN,
      BucketKeyEnabled: false,
      Tagging: 'a%20b=c%3Dd%2Fe',
    });
  });

  it('gives the quarantine the encryption only', () => {
    const config = s3Config({
      bucket: 'b',
      storageClass: 'GLACIER',
      sse: 'aws:kms',
      sseKmsKeyId: KEY_ARN,
      objectTags: { team: 'logs' },
    });
    expect(encryptionSettings(config)).toEqual({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN });
  });
});
