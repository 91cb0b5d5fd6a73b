import { parseArgs } from 'node:util';
import {
  COMMANDS,
  type CommandName,
  type CommandSpec,
  type IntegerOption,
  OPTIONS,
  type OptionName,
  type OptionSpec,
} from './commandSpecs.ts';
import { commandUsage, usage } from './usage.ts';

/** The command line is wrong: reported as one line, `loggroup-flusher: <message>; see --help`, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
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
