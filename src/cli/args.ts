// The CLI's arguments: the commander program (program.ts, from the table in spec.ts) parses them into the
// commands' Options; a bad flag, value or command is a UsageError (exit 2), --help a HelpRequested (exit 0). Typed
// flag readers for the commands follow.
import type { Command, CommanderError } from 'commander';
import { migrationExecutionName } from '../migration/names';
import { ServiceNameSchema } from '../schemas';
import { HelpRequested, UsageError } from './errors';
import { PROGRAM, buildProgram } from './program';
import { COMMAND_TABLE, type CommandSpec } from './spec';

export interface Options {
  service: string;
  json: boolean;
  values: Record<string, string | boolean | string[] | undefined>;
}

/**
 * The command's path ('status'; a group's sub-command as 'GROUP SUB') and its Options. `table` is the CLI's own
 * unless a test gives another.
 */
export function parse(argv: string[], table = COMMAND_TABLE): { command: string; options: Options } {
  const written = { out: '', err: '' };
  let matched: { path: string; command: Command } | undefined;
  const program = buildProgram((path, command) => {
    matched = { path, command };
  }, table);
  for (const command of commandsOf(program)) {
    // Parse errors and help come back as exceptions, and nothing is written: client.ts prints them (redacted,
    // as JSON with --json) like every other error.
    command
      .configureOutput({ writeOut: (text) => (written.out += text), writeErr: (text) => (written.err += text) })
      .exitOverride((err) => {
        throw parseFailure(err, pathOf(command), written);
      });
  }
  program.parse(argv[0] === 'help' ? helpArgv(program, argv.slice(1)) : argv, { from: 'user' });
  if (!matched) throw new UsageError(`no command; see ${PROGRAM} --help`);
  const { path, command } = matched;
  const spec = specAt(table, path);
  const values = valuesOf(command, spec);
  const json = values.json === true;
  const fleetWide =
    spec.service === 'none' ||
    (spec.service === 'fleet-without' && values.service === undefined) ||
    (spec.fleetWith !== undefined && values[spec.fleetWith] === true);
  if (fleetWide) return { command: path, options: { service: '', json, values } };
  const service = ServiceNameSchema.safeParse(values.service ?? '');
  if (!service.success) {
    const why = values.service ? service.error.issues[0]?.message : `is required; see ${PROGRAM} ${path} --help`;
    throw new UsageError(`--service: ${why}`);
  }
  return { command: path, options: { service: service.data, json, values } };
}

/**
 * `help COMMAND` as `COMMAND --help` (`help GROUP SUB` as `GROUP SUB --help`); a name that is no command is passed
 * on alone, so commander refuses it with the nearest name, as it would anywhere else.
 */
function helpArgv(program: Command, words: string[]): string[] {
  let at = program;
  for (const [i, word] of words.entries()) {
    if (at.commands.length === 0) return [...words.slice(0, i), '--help'];
    const next = at.commands.find((command) => command.name() === word);
    if (!next) return words.slice(0, i + 1);
    at = next;
  }
  return [...words, '--help'];
}

/** The program and every command under it, groups' sub-commands included. */
function commandsOf(command: Command): Command[] {
  return [command, ...command.commands.flatMap(commandsOf)];
}

/** 'status', 'rollout status': the names from the program down, the program's own left out. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

function specAt(table: Readonly<Record<string, CommandSpec>>, path: string): CommandSpec {
  let level: Readonly<Record<string, CommandSpec>> | undefined = table;
  let spec: CommandSpec | undefined;
  for (const name of path.split(' ')) {
    spec = level?.[name];
    level = spec?.subcommands;
  }
  if (!spec) throw new Error(`no command ${path} in the table`);
  return spec;
}

/**
 * The values by flag name as the commands read them (`migration-id`, not commander's `migrationId`); a switch not
 * given is false; a positional argument by its name (`completion bash`: shell).
 */
function valuesOf(command: Command, spec: CommandSpec): Options['values'] {
  const values: Options['values'] = {};
  for (const option of command.options) {
    const name = option.long?.replace(/^--/, '');
    if (name === undefined || name === 'help') continue;
    const value = command.getOptionValue(option.attributeName()) as string | boolean | string[] | undefined;
    values[name] = value ?? (option.isBoolean() ? false : undefined);
  }
  (spec.arguments ?? []).forEach((argument, i) => {
    values[argument.name] = command.processedArgs[i] as string;
  });
  return values;
}

/** commander's exit as our errors: its help text as HelpRequested, anything else a UsageError pointing at help. */
function parseFailure(err: CommanderError, path: string, written: { out: string; err: string }): Error {
  if (err.code === 'commander.helpDisplayed' || (err.code === 'commander.help' && err.exitCode === 0))
    return new HelpRequested(written.out.trimEnd());
  // No command (or a group without its sub-command): the help, as the usage error.
  if (err.code === 'commander.help') return new UsageError(written.err.trimEnd());
  const message = err.message
    .replace(/^error: /, '')
    .replace(/\.$/, '')
    .replace(/\n\(Did you mean (.*)\)$/, ' (did you mean $1)');
  return new UsageError(`${message}; see ${PROGRAM}${path ? ` ${path}` : ''} --help`);
}

export function required(options: Options, name: string): string {
  const value = options.values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function numberFlag(options: Options, name: string): number | undefined {
  const value = options.values[name];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(parsed))
    throw new UsageError(`--${name}: must be a number of seconds`);
  return parsed;
}

/**
 * options.sourceTls from --source-ca (a secret reference to the source's server CA: the worker resolves it) and
 * --source-server-name; validated with the rest of the request.
 */
export function sourceTlsFlags(options: Options): { caCertificate: string; serverName?: string } | undefined {
  const ca = options.values['source-ca'];
  const serverName = options.values['source-server-name'];
  if (typeof serverName === 'string' && typeof ca !== 'string')
    throw new UsageError('--source-server-name needs --source-ca');
  if (typeof ca !== 'string') return undefined;
  return { caCertificate: ca, ...(typeof serverName === 'string' && { serverName }) };
}

/** --migration takes the execution id (user-chosen, or the UUID the API generated) or its full name. */
export function migrationName(options: Options): string {
  const id = required(options, 'migration');
  const prefix = migrationExecutionName(options.service, '');
  if (id.startsWith(prefix))
    return migrationName({ ...options, values: { ...options.values, migration: id.slice(prefix.length) } });
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/.test(id)) {
    throw new UsageError('--migration: must be a migration execution id (letters, digits, hyphens) of this service');
  }
  return migrationExecutionName(options.service, id);
}

export function overridesOf(options: Options): string[] {
  const override = options.values.override;
  return Array.isArray(override) ? override : [];
}
