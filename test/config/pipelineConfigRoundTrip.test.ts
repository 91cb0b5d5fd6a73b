import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { FlusherKind } from '../../src/config/destinationFromEnv.ts';
import { FLUSHER_TYPE_NAMES, type FlusherTypeName } from '../../src/config/flusherTypes.ts';
import { pipelineFromConfig } from '../../src/config/pipelineFromConfig.ts';
import type { Flusher } from '../../src/flusher/Flusher.ts';
import type { FlusherMatch } from '../../src/pipeline/PipelineFlusher.ts';

interface Case {
  readonly type: FlusherTypeName;
  readonly named: boolean;
  /** What the file says (`undefined`: no Match), and what the pipeline must make of it. */
  readonly match: { readonly written: unknown; readonly expected: FlusherMatch | undefined } | undefined;
}

const text = fc.string({ minLength: 1, maxLength: 12 });
const matchValue = fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 }));
const tagKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);

const ourMatch = fc
  .record(
    {
      Project: matchValue,
      Logstore: matchValue,
      ConfigName: matchValue,
      LogstoreKey: matchValue,
      Tags: fc.dictionary(tagKey, matchValue, { maxKeys: 3 }),
    },
    { requiredKeys: [] },
  )
  .map((written) => ({
    written,
    expected: Object.fromEntries(
      Object.entries(written).map(([key, value]) => [key.charAt(0).toLowerCase() + key.slice(1), value]),
    ) as FlusherMatch,
  }));

const routeMatch = fc.oneof(
  fc.record({ Key: text, Value: text }).map(({ Key, Value }) => ({
    written: { Type: 'tag', Key, Value },
    expected: { tags: { [Key]: Value } },
  })),
  fc.constant({ written: { Type: 'event_type', Value: 'log' }, expected: undefined }),
);

const flusherCase: fc.Arbitrary<Case> = fc.record({
  type: fc.constantFrom(...(Object.keys(FLUSHER_TYPE_NAMES) as FlusherTypeName[])),
  named: fc.boolean(),
  match: fc.option(fc.oneof(ourMatch, routeMatch), { nil: undefined }),
});

const pipelineCase = fc.array(flusherCase, { minLength: 1, maxLength: 16 }).chain((cases) =>
  fc.record({
    cases: fc.constant(cases),
    // Given names start with "n": no Type does, so they never meet a default name.
    names: fc.uniqueArray(fc.stringMatching(/^n[A-Za-z0-9_.-]{0,20}$/), {
      minLength: cases.length,
      maxLength: cases.length,
    }),
    quarantine: fc.option(fc.nat(cases.length - 1), { nil: undefined }),
    json: fc.boolean(),
  }),
);

/** Options each kind needs, unique per flusher so its destination can be recognised. */
function requiredOptions(kind: FlusherKind, index: number): Record<string, string> {
  if (kind === 's3') return { Bucket: `b${index}` };
  if (kind === 'file') return { Directory: `/tmp/p${index}` };
  return {};
}

function quarantineDescription(kind: FlusherKind, index: number): string {
  switch (kind) {
    case 's3':
      return `s3: s3://b${index}/_quarantine/<source>/<reason>/<id>.json`;
    case 'file':
      return `file: /tmp/p${index}/_quarantine`;
    case 'stdout':
      return 'stderr (local runs only)';
    case 'cloudwatch-logs':
      return 'cloudwatch-logs quarantine: /loggroup-flusher/quarantine / quarantine';
  }
}

/** The names the README promises: the Name given, else the Type, numbered by position if it repeats. */
function expectedNames(cases: readonly Case[], names: readonly string[]): string[] {
  const count = (type: string) => cases.filter((c) => c.type === type).length;
  return cases.map((c, index) =>
    c.named ? names[index]! : count(c.type) > 1 ? `${c.type}#${index + 1}` : c.type,
  );
}

describe('pipeline files round-trip', () => {
  it('keeps order, names (unique), matches, destinations and the quarantine of any valid file', () => {
    fc.assert(
      fc.property(pipelineCase, ({ cases, names, quarantine, json }) => {
        const wanted = expectedNames(cases, names);
        const file = {
          flushers: cases.map((c, index) => ({
            Type: c.type,
            ...(c.named ? { Name: names[index] } : {}),
            ...requiredOptions(FLUSHER_TYPE_NAMES[c.type], index),
            ...(c.match === undefined ? {} : { Match: c.match.written }),
          })),
          ...(quarantine === undefined ? {} : { quarantine: wanted[quarantine] }),
        };
        const pipeline = json
          ? pipelineFromConfig(JSON.stringify(file), 'p.json', {})
          : pipelineFromConfig(stringify(file), 'p.yaml', {});

        expect(pipeline.flushers.map((flusher) => flusher.name)).toEqual(wanted);
        expect(new Set(wanted).size).toBe(wanted.length);
        pipeline.flushers.forEach((flusher, index) => {
          const kind = FLUSHER_TYPE_NAMES[cases[index]!.type];
          expect(flusher.match).toEqual(cases[index]!.match?.expected);
          expect((flusher.flusher as () => Flusher)().description().startsWith(`${kind}:`)).toBe(true);
        });
        const chosen = quarantine ?? 0;
        expect(pipeline.quarantine.description()).toBe(
          quarantineDescription(FLUSHER_TYPE_NAMES[cases[chosen]!.type], chosen),
        );
      }),
      { numRuns: 150 },
    );
  });
});
