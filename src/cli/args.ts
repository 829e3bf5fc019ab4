// The CLI's arguments: parsing (a bad flag or command is a UsageError, exit 2; the texts are in help.ts) and typed
// flag readers.
import { parseArgs } from 'node:util';
import { migrationExecutionName } from '../migration/names';
import { ServiceNameSchema } from '../schemas';
import { HelpRequested, UsageError } from './errors';
import { COMMANDS, USAGE, commandUsage, unknownCommand } from './help';

export interface Options {
  service: string;
  json: boolean;
  values: Record<string, string | boolean | string[] | undefined>;
}

const OPTIONS = {
  service: { type: 'string' },
  config: { type: 'string' },
  'migration-id': { type: 'string' },
  override: { type: 'string', multiple: true },
  notify: { type: 'string', multiple: true },
  'skip-plan': { type: 'boolean', default: false },
  adopt: { type: 'boolean', default: false },
  'restore-backups': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  migration: { type: 'string' },
  'poll-interval': { type: 'string' },
  'operation-poll': { type: 'string' },
  'source-ca': { type: 'string' },
  'source-server-name': { type: 'string' },
  reason: { type: 'string' },
  by: { type: 'string' },
  stage: { type: 'string' },
  state: { type: 'string' },
  all: { type: 'boolean', default: false },
  interval: { type: 'string' },
  yes: { type: 'boolean', short: 'y', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parse(argv: string[]): { command: string; options: Options } {
  const { values, positionals } = parseFlags(argv);
  const command = positionals[0];
  if (command === 'help') {
    // `help` alone is the usage; `help COMMAND` that command's, as `COMMAND --help`.
    const topic = positionals[1];
    if (topic === undefined) throw new HelpRequested(USAGE);
    throw new HelpRequested(commandUsage(topic) ?? failWith(unknownCommand(topic)));
  }
  if (command !== undefined && !isCommand(command)) throw unknownCommand(command);
  if (values.help) throw new HelpRequested((command && commandUsage(command)) ?? USAGE);
  if (!command) throw new UsageError(USAGE);
  if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}\n\n${USAGE}`);
  // Commands about the fleet: no --service (watch and status take one to look at a single migration).
  const fleetWide =
    command === 'list-workflows' ||
    (command === 'watch' && values.service === undefined) ||
    (command === 'status' && values.all === true);
  if (fleetWide) return { command, options: { service: '', json: values.json === true, values } };
  const service = ServiceNameSchema.safeParse(values.service ?? '');
  if (!service.success)
    throw new UsageError(`--service: ${values.service ? service.error.issues[0]?.message : 'is required'}`);
  return { command, options: { service: service.data, json: values.json === true, values } };
}

/** parseArgs, its errors (an unknown flag, a missing value) as usage errors: exit 2 like every bad argument. */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      const command = argv.find((arg) => !arg.startsWith('-'));
      const help = command && isCommand(command) ? `${command} --help` : '--help';
      throw new UsageError(`${(err as Error).message}; see metastore-migrator ${help}`);
    }
    throw err;
  }
}

function isCommand(name: string): name is (typeof COMMANDS)[number] {
  return (COMMANDS as readonly string[]).includes(name);
}

function failWith(err: Error): never {
  throw err;
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
