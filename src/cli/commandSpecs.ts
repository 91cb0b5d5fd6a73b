/** The commands and options of the CLI: one table each, read by the parser and the usage text. */

/** An integer option and its range. */
export interface IntegerOption {
  readonly kind: 'integer';
  readonly min: number;
  readonly max: number;
  readonly what: string;
}

/** A string option: a file, or one of a few choices. */
interface TextOption {
  readonly kind: 'text';
  readonly placeholder: string;
  readonly what: string;
}

export type OptionSpec = IntegerOption | TextOption;

/** Lambda's longest function timeout, 15 minutes: the most `--timeout-ms` may give an invocation. */
const LAMBDA_MAX_TIMEOUT_MS = 900_000;
/** The largest batch an SQS or Kinesis event source mapping delivers (`BatchSize`). */
const MAX_BATCH_SIZE = 10_000;
const MAX_RETRIES = 100;

export const OPTIONS = {
  source: { kind: 'text', placeholder: 'SOURCE', what: 'the event source' },
  event: { kind: 'text', placeholder: 'FILE', what: 'a Lambda event file (JSON)' },
  input: {
    kind: 'text',
    placeholder: 'FILE',
    what: 'LogGroupList protobuf, JSON form {"groups":[…]} or JSON Lines, plain or gzip/zstd',
  },
  out: { kind: 'text', placeholder: 'FILE', what: 'write the event to FILE instead of stdout' },
  'timeout-ms': {
    kind: 'integer',
    min: 1,
    max: LAMBDA_MAX_TIMEOUT_MS,
    what: "ms each invocation may run (Lambda's longest: 15 min)",
  },
  'batch-size': { kind: 'integer', min: 1, max: MAX_BATCH_SIZE, what: 'records per invocation' },
  retries: { kind: 'integer', min: 0, max: MAX_RETRIES, what: 'deliveries again of a record handed back' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

export interface CommandSpec {
  /** Options and their default (`undefined`: required, or optional without a default). */
  readonly options: Partial<
    Record<OptionName, { readonly default?: string; readonly choices?: readonly string[] }>
  >;
  readonly required?: readonly OptionName[];
  readonly synopsis: string;
  readonly description: string;
}

export const COMMANDS = {
  invoke: {
    options: {
      source: { choices: ['sqs', 'kinesis'] },
      event: {},
      'timeout-ms': { default: '30000' },
    },
    required: ['source', 'event'],
    synopsis: 'invoke --source sqs|kinesis --event FILE [--timeout-ms 30000]',
    description: 'Run the real handler on a Lambda event file and print the batch response.',
  },
  replay: {
    options: {
      input: {},
      source: { default: 'kinesis', choices: ['kinesis', 'sqs'] },
      'batch-size': {},
      'timeout-ms': { default: '60000' },
      retries: { default: '3' },
    },
    required: ['input'],
    synopsis:
      'replay --input FILE [--source kinesis|sqs] [--batch-size N] [--timeout-ms 60000] [--retries 3]',
    description: `Push a file of LogGroups through the handler in batches, as the source would carry them:
records of at most 1 MiB for Kinesis (data and partition key), 256 KiB bodies for SQS (base64 of
at most 192 KiB of protobuf). A LogGroup too large for one record is split into several with the
same metadata and tags; a single log too large for a record on its own stops the replay before
anything is sent (no source could carry it). What the handler hands back is delivered again
(--retries; Kinesis from the first record reported). Ends with a summary; exit 1 if any record
was not acked. --batch-size defaults to 100 for kinesis, 10 for sqs (what Lambda's event source
mappings deliver by default).`,
  },
  'sample-event': {
    options: {
      source: { choices: ['sqs', 'sqs-fifo', 'kinesis'] },
      out: {},
    },
    required: ['source'],
    synopsis: 'sample-event --source sqs|sqs-fifo|kinesis [--out FILE]',
    description: `Write a Lambda event like test/events/*.json (web access logs for the logstores nginx-access
and checkout, in several input formats; the sqs event adds a poison message), with log times of
the last few seconds: CloudWatch Logs refuses logs older than 14 days. Invoke it with --source sqs
for sqs and sqs-fifo.`,
  },
  demo: {
    options: {},
    synopsis: 'demo',
    description: `Generate web access logs (with some poison records) and run both handlers on them, then
run a batch through a pipeline of two flushers, one failing once.`,
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
