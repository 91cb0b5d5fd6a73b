import {
  COMMANDS,
  type CommandName,
  type CommandSpec,
  OPTIONS,
  type OptionName,
  type OptionSpec,
} from './commandSpecs.ts';

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
