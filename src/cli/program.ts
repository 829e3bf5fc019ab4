// The commander program built from the table in spec.ts: per-command help, did-you-mean for commands and flags
// (commander's showSuggestionAfterError), choices. Nothing here knows a particular command or flag.
import { Argument, Command, Option } from 'commander';
import { enumFlag } from './help';
import { COMMAND_TABLE, ENVIRONMENT, OPTIONS, type CommandSpec, type OptionName, type OptionSpec } from './spec';

export const PROGRAM = 'metastore-migrator';

/** Called with the command's path ('status', later 'rollout status') and the commander command that matched. */
export type OnCommand = (path: string, command: Command) => void;

export function buildProgram(onCommand: OnCommand, table: Readonly<Record<string, CommandSpec>> = COMMAND_TABLE) {
  const program = new Command(PROGRAM)
    .usage('<command> [options]')
    .description('Drive a Dataproc Metastore managed migration through its Temporal workflow.')
    .showSuggestionAfterError()
    .addHelpText('afterAll', `\n${ENVIRONMENT}`);
  addCommands(program, table, [], onCommand);
  return program;
}

function addCommands(
  parent: Command,
  table: Readonly<Record<string, CommandSpec>>,
  path: readonly string[],
  onCommand: OnCommand,
): void {
  for (const [name, spec] of Object.entries(table)) {
    const command = parent
      .command(name)
      .summary(spec.summary)
      .description(spec.description ?? spec.summary);
    const here = [...path, name];
    if (spec.subcommands) {
      addCommands(command, spec.subcommands, here, onCommand);
      continue;
    }
    command.usage(usageOf(spec));
    for (const argument of spec.arguments ?? [])
      command.addArgument(new Argument(`<${argument.name}>`, argument.description).choices(argument.choices));
    if (spec.service !== 'none') command.addOption(optionOf('service', OPTIONS.service, serviceHelp(spec)));
    for (const name of spec.options ?? []) {
      const option = optionOf(name, OPTIONS[name], spec.optionHelp?.[name]);
      // commander refuses the command without it, naming the flag, before anything runs.
      if (spec.required?.includes(name)) option.makeOptionMandatory().description += ' (required)';
      command.addOption(option);
    }
    command.addOption(optionOf('json', OPTIONS.json));
    command.action((...args: unknown[]) => onCommand(here.join(' '), args.at(-1) as Command));
  }
}

/** `--service projects/P/locations/L/services/S [options]`, as an engineer types it. */
function usageOf(spec: CommandSpec): string {
  const args = (spec.arguments ?? []).map((argument) => `<${argument.choices.join('|')}>`);
  const service =
    spec.service === 'required' && !spec.fleetWith
      ? ['--service projects/P/locations/L/services/S']
      : spec.service === 'none'
        ? []
        : ['[--service projects/P/locations/L/services/S]'];
  return [...args, ...service, '[options]'].join(' ');
}

function serviceHelp(spec: CommandSpec): string {
  if (spec.service === 'fleet-without') return `${OPTIONS.service.description}; without it, every running migration`;
  if (spec.fleetWith) return `${OPTIONS.service.description} (not with --${spec.fleetWith})`;
  return `${OPTIONS.service.description} (required)`;
}

function optionOf(name: OptionName, spec: OptionSpec, description = spec.description): Option {
  // commander takes two long names as `--alias, --name`: the second is the one the value is kept under.
  const names = spec.short ? `-${spec.short}, ` : spec.alias ? `--${spec.alias}, ` : '';
  const flags = `${names}--${name}${spec.value ? ` <${spec.value}>` : ''}`;
  const option = new Option(flags, description);
  const { choices, apiSpelling } = spec;
  // choices() records the values (shown in help, read by the completion scripts); the parser after it replaces
  // commander's check with one that also names the nearest value (REPLICATON → REPLICATION).
  if (choices)
    return option
      .choices(choices)
      .argParser((value) => enumFlag(name, apiSpelling ? fromApiSpelling(value) : value, choices));
  if (spec.repeatable) return option.argParser((value, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option;
}

/** The API's spelling of an enum value as gcloud writes it: INCREMENTAL_SYNC → incremental-sync; others unchanged. */
function fromApiSpelling(value: string): string {
  return /^[A-Z][A-Z_]*$/.test(value) ? value.toLowerCase().replace(/_/g, '-') : value;
}
