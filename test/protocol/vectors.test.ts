import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLogGroupList } from '../../src/protocol/decodeLogGroup.ts';
import { encodeLogGroupList } from '../../src/protocol/encodeLogGroup.ts';
import { decodeLogGroupListJson, toLogGroupListJson } from '../../src/protocol/logGroupJson.ts';

// The independent vectors live in ../shared; a copy of the small ones is kept in test/fixtures so
// the suite also runs without that folder (the 2 MB stress vector then comes from shared only).
const SHARED = join(import.meta.dirname, '../../../shared/loggroup-vectors');
const LOCAL = join(import.meta.dirname, '../fixtures/loggroup-vectors');
const SMALL = [
  'empty_list',
  'empty_group',
  'empty_group_go_style',
  'one_log',
  'unicode',
  'empty_strings',
  'log_tags',
  'meta_fields',
  'three_groups',
  'legacy_values_field',
];
const names = existsSync(SHARED) ? [...SMALL, 'large_20000_logs'] : SMALL;

function load(name: string) {
  const dir = existsSync(join(SHARED, `${name}.pb`)) ? SHARED : LOCAL;
  return {
    bytes: new Uint8Array(readFileSync(join(dir, `${name}.pb`))),
    expected: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')),
  };
}

describe('shared LogGroupList vectors', () => {
  it.each(names)('%s decodes exactly to its expected JSON', (name) => {
    const { bytes, expected } = load(name);
    expect(toLogGroupListJson(decodeLogGroupList(bytes))).toEqual(expected);
  });

  it.each(names)('%s survives encode(decode(x)) unchanged', (name) => {
    const { bytes, expected } = load(name);
    expect(toLogGroupListJson(decodeLogGroupList(encodeLogGroupList(decodeLogGroupList(bytes))))).toEqual(
      expected,
    );
  });

  it.each(names)('%s expected JSON passes the JSON-form decoder unchanged', (name) => {
    const { expected } = load(name);
    expect(toLogGroupListJson(decodeLogGroupListJson(JSON.stringify(expected)))).toEqual(expected);
  });
});
