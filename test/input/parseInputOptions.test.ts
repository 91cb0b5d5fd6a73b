import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../src/input/decodePayload.ts';
import { parseInputOptions } from '../../src/input/parseInputOptions.ts';

describe('parseInputOptions', () => {
  it('defaults to auto detection and the 32 MiB limit', () => {
    expect(parseInputOptions({})).toEqual({
      format: 'auto',
      maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
    });
    expect(parseInputOptions({ INPUT_FORMAT: ' ', MAX_DECOMPRESSED_BYTES: '' }).format).toBe('auto');
    expect(DEFAULT_MAX_DECOMPRESSED_BYTES).toBe(32 * 1024 * 1024);
  });

  it('reads every INPUT_FORMAT value and a byte count', () => {
    for (const format of ['auto', 'protobuf', 'json', 'converter-json', 'cloudwatch-subscription']) {
      expect(parseInputOptions({ INPUT_FORMAT: format }).format).toBe(format);
    }
    expect(parseInputOptions({ MAX_DECOMPRESSED_BYTES: '1048576' }).maxDecompressedBytes).toBe(1_048_576);
  });

  it('accepts any letter case and returns the canonical value, like every enum variable', () => {
    expect(parseInputOptions({ INPUT_FORMAT: 'JSON' }).format).toBe('json');
    expect(parseInputOptions({ INPUT_FORMAT: 'Converter-JSON' }).format).toBe('converter-json');
  });

  it.each([
    [{ INPUT_FORMAT: 'xml' }, 'INPUT_FORMAT'],
    [{ MAX_DECOMPRESSED_BYTES: '32MiB' }, 'MAX_DECOMPRESSED_BYTES'],
    [{ MAX_DECOMPRESSED_BYTES: '-1' }, 'MAX_DECOMPRESSED_BYTES'],
    [{ MAX_DECOMPRESSED_BYTES: '1024' }, 'MAX_DECOMPRESSED_BYTES'],
    [{ MAX_DECOMPRESSED_BYTES: '99999999999999999999' }, 'MAX_DECOMPRESSED_BYTES'],
  ])('refuses %j with a ConfigError naming %s', (env, variable) => {
    expect(() => parseInputOptions(env)).toThrow(expect.objectContaining({ variable }));
    expect(() => parseInputOptions(env)).toThrow(ConfigError);
  });
});
