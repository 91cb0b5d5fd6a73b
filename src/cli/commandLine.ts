import { parseArgs } from 'node:util';

/** The command line is wrong: reported as one line, `loggroup-flusher: <message>; see --help`, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An integer option and its range. */
interface IntegerOption {
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

type OptionSpec = IntegerOption | TextOption;

/** Lambda's longest function timeout, 15 minutes: the most `--timeout-ms` may give an invocation. */
const LAMBDA_MAX_TIMEOUT_MS = 900_000;
/** The largest batch an SQS or Kinesis event source mapping delivers (`BatchSize`). */
const MAX_BATCH_SIZE = 10_000;
const MAX_RETRIES = 100;

const OPTIONS = {
  source: { kind: 'text', placeholder: 'SOURCE', what: 'the event source' },
  event: { kind: 'text', placeholder: 'FILE', what: 'a Lambda event file (JSON)' },
  input: {
    kind: 'text',
    placeholder: 'FILE',
    what: 'LogGroupList protobuf, JSON form {"groups":[…]} or JSON Lines',
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

type OptionName = keyof typeof OPTIONS;

interface CommandSpec {
  /** Options and their default (`undefined`: required, or optional without a default). */
  readonly options: Partial<
    Record<OptionName, { readonly default?: string; readonly choices?: readonly string[] }>
  >;
  readonly required?: readonly OptionName[];
  readonly synopsis: string;
  readonly description: string;
}

const COMMANDS = {
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

const ENVIRONMENT = `The destination comes from the environment (README "Configuration"): FLUSHER, or PIPELINE_CONFIG
naming a pipeline file; with neither, local runs use FLUSHER=file with FILE_DIR=.loggroup-output.

exit status: 0 done; 1 the run failed, or records were not acked; 2 the command line, an input
file or the configuration is wrong (one line on stderr says what).`;

function optionLines(names: readonly OptionName[], command?: CommandSpec): string {
  return names
    .map((name) => {
      const spec: OptionSpec = OPTIONS[name];
      const declared = command?.options[name];
      const flag = `--${name} ${spec.kind === 'integer' ? 'N' : spec.placeholder}`;
      const values =
        spec.kind === 'integer'
          ? `: ${spec.min} to ${spec.max}`
          : declared?.choices
            ? `: ${declared.choices.join(' or ')}`
            : '';
      const required = command?.required?.includes(name) ? ' (required)' : '';
      const fallback = declared?.default === undefined ? '' : `; default ${declared.default}`;
      return `  ${flag.padEnd(18)} ${spec.what}${values}${required}${fallback}`;
    })
    .join('\n');
}

/** The whole usage: every command, the integer options' ranges, the environment, exit statuses. */
export function usage(): string {
  const commands = Object.values(COMMANDS)
    .map((spec) => `  ${spec.synopsis}\n${indent(firstSentence(spec.description), 6)}`)
    .join('\n');
  return `usage: loggroup-flusher <command> [options]

commands:
${commands}
  help [command]
      This text, or one command's in full (also --help or -h anywhere on the line).

options:
${optionLines(['timeout-ms', 'batch-size', 'retries'])}

${ENVIRONMENT}`;
}

/** One command's usage: its synopsis, what it does, and its options. */
export function commandUsage(command: CommandName): string {
  const spec: CommandSpec = COMMANDS[command];
  const names = Object.keys(spec.options) as OptionName[];
  const options = names.length > 0 ? `\n\noptions:\n${optionLines(names, spec)}` : '';
  return `usage: loggroup-flusher ${spec.synopsis}\n\n${spec.description}${options}\n\n${ENVIRONMENT}`;
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  const end = flat.indexOf(': ');
  const sentence = flat.indexOf('. ');
  const cut = [end, sentence].filter((i) => i >= 0).sort((a, b) => a - b)[0];
  const short = cut === undefined ? flat : `${flat.slice(0, cut)}.`;
  return wrap(short, 94);
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

function indent(text: string, spaces: number): string {
  return text.replace(/^/gm, ' '.repeat(spaces));
}

/** What the command line asks for. */
export type CommandLine =
  | { readonly command: 'help'; readonly text: string }
  | {
      readonly command: 'invoke';
      readonly source: 'sqs' | 'kinesis';
      readonly event: string;
      readonly timeoutMs: number;
    }
  | {
      readonly command: 'replay';
      readonly input: string;
      readonly source: 'sqs' | 'kinesis';
      readonly batchSize: number;
      readonly timeoutMs: number;
      readonly retries: number;
    }
  | {
      readonly command: 'sample-event';
      readonly source: 'sqs' | 'sqs-fifo' | 'kinesis';
      readonly out: string | undefined;
    }
  | { readonly command: 'demo' };

const ALL_OPTIONS = {
  ...Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }])),
  help: { type: 'boolean', short: 'h' },
} as const;

const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);

/**
 * Parse `argv` (without node and the script). Help wins: `--help`, `-h` or a `help` argument
 * anywhere gives the usage (one command's when a command is named). Otherwise every mistake throws
 * a {@link UsageError} naming it: an unknown command or option, an option the command does not
 * take or given twice, a missing or empty value, a stray argument, a value out of its choices or
 * range. Values are parsed by `node:util` `parseArgs` in strict mode; a lenient pass over the same
 * arguments first finds the command and the help request, and names the offending argument.
 *
 * @example
 * ```ts
 * parseCommandLine(['replay', '--input', 'logs.pb', '--batch-size', '50']);
 * // { command: 'replay', input: 'logs.pb', source: 'kinesis', batchSize: 50, timeoutMs: 60000, retries: 3 }
 * ```
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { tokens } = parseArgs({
    args: [...argv],
    options: ALL_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const end = tokens.findIndex((token) => token.kind === 'option-terminator');
  const before = end < 0 ? tokens : tokens.slice(0, end);
  const positionals = tokens.filter((token) => token.kind === 'positional');
  const commandToken = positionals[0];
  const named = commandToken?.value === 'help' ? positionals[1]?.value : commandToken?.value;
  const wantsHelp =
    argv.length === 0 ||
    before.some(
      (token) =>
        (token.kind === 'option' && token.name === 'help') ||
        (token.kind === 'positional' && token.value === 'help'),
    );
  if (wantsHelp)
    return { command: 'help', text: named !== undefined && isCommand(named) ? commandUsage(named) : usage() };
  if (commandToken === undefined) throw new UsageError('no command given');
  if (!isCommand(commandToken.value)) throw new UsageError(`unknown command "${commandToken.value}"`);
  const command = commandToken.value;
  const args = argv.filter((_, i) => i !== commandToken.index);
  const options = commandOptions(command, args);
  if (command === 'replay') options.batchSize ??= options.source === 'sqs' ? 10 : 100;
  return { command, ...options } as CommandLine;
}

function commandOptions(
  command: CommandName,
  args: readonly string[],
): Record<string, string | number | undefined> {
  const spec: CommandSpec = COMMANDS[command];
  const names = Object.keys(spec.options) as OptionName[];
  const options = Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));
  // A negative number is a value: `--timeout-ms -1` is refused for its range, not as a missing value
  // (strict parseArgs takes an argument starting with "-" for an option, not a value).
  const normalised: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (isIntegerFlag(arg, names) && next !== undefined && /^-\d/.test(next)) {
      normalised.push(`${arg}=${next}`);
      i++;
    } else normalised.push(arg);
  }
  const { tokens } = parseArgs({
    args: normalised,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'positional')
      throw new UsageError(`unexpected argument "${token.value}" for ${command}`);
    if (token.kind !== 'option') continue;
    if (!Object.hasOwn(options, token.name)) {
      throw new UsageError(
        Object.hasOwn(OPTIONS, token.name)
          ? `${command} takes no ${token.rawName} option`
          : `unknown option ${token.rawName} for ${command}`,
      );
    }
    if (seen.has(token.name)) throw new UsageError(`${token.rawName} given twice`);
    seen.add(token.name);
    if (
      token.value === undefined ||
      token.value === '' ||
      (!token.inlineValue && token.value.startsWith('-'))
    ) {
      throw new UsageError(`${token.rawName} needs a value`);
    }
  }
  const { values } = parseArgs({ args: normalised, options, strict: true, allowPositionals: false });
  const result: Record<string, string | number | undefined> = {};
  for (const name of names) {
    const given = values[name] as string | undefined;
    const declared = spec.options[name]!;
    if (given === undefined && spec.required?.includes(name))
      throw new UsageError(`${command} needs --${name}`);
    const text = given ?? declared.default;
    const key = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const option: OptionSpec = OPTIONS[name];
    if (text === undefined) result[key] = undefined;
    else if (option.kind === 'integer') result[key] = integer(name, text, option);
    else {
      if (declared.choices && !declared.choices.includes(text)) {
        throw new UsageError(`--${name} must be ${declared.choices.join(' or ')}; got "${text}"`);
      }
      result[key] = text;
    }
  }
  return result;
}

function isIntegerFlag(arg: string, names: readonly OptionName[]): boolean {
  const name = arg.startsWith('--') ? arg.slice(2) : '';
  return (names as readonly string[]).includes(name) && OPTIONS[name as OptionName].kind === 'integer';
}

function integer(name: string, text: string, option: IntegerOption): number {
  const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < option.min || value > option.max) {
    throw new UsageError(`--${name} must be an integer from ${option.min} to ${option.max}; got "${text}"`);
  }
  return value;
}
