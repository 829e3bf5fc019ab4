// The emulator's command line: flags → EmulatorOptions. Any mistake is a FlagError (main.ts exits 2).
import { parseArgs } from 'node:util';
import { type DurationOverrides, parseDurationFlag } from './durations';
import { loadScenarioFile } from './scenario';
import { type EmulatorOptions, demoService } from './server';

export const USAGE = `usage: npm run emulator -- [options]

  --port N                  listen on this port (default 8085; 0 picks a free one)
  --host H                  listen on this address (default 127.0.0.1)
  --operation-delay-ms N    how long each long-running operation takes (default 1000)
  --delay METHOD=MS         per-method duration, repeatable; METHOD is an LRO method such as
                            services.startMigration, services.completeMigration, services.patch,
                            or replication (the time from STARTING to RUNNING)
  --scenario FILE           YAML or JSON scenario: seed, durations, services, faults,
                            operationFaults, events (see examples/emulator-scenario.yaml)
  --seed N                  seed of the fault-rate RNG (default: the scenario's, else random)
  --state-file PATH         keep services, executions and operations in PATH across restarts
  --require-token TOKEN     accept only "Authorization: Bearer TOKEN" (401 without, 403 with another)
  --verify-source           connect to the Cloud SQL source of each startMigration and fail the start
                            (FAILED_PRECONDITION) if it is unreachable, its Hive schema does not fit
                            the service's Hive version, or it is not ready for CDC
  --thrift-host NAME        the host in each service's endpointUri (default: --host, or 127.0.0.1 for 0.0.0.0)
  --no-hive-thrift          serve no Hive Metastore Thrift endpoints (by default each service has one,
                            at its endpointUri, answering from the source while replicating)
  --rollback-window-ms N    outgoing kind: how long after a migration SUCCEEDED cancelMigration may still
                            roll it back (default 604800000, 7 days)
  --hive-only-backfill-ends-in ACTIVE|PROXY
                            outgoing kind: where a BACKFILL that moved no Iceberg namespace leaves the
                            service (default ACTIVE)
  --cancel-leaves-written keep|revert
                            outgoing kind: whether a cancelled migration's writes to the Lakehouse
                            catalogs stay (default keep) or are undone
  --seed-demo               create ${demoService().name}
  --verbose                 log one line per request
  --help                    print this text`;

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export interface Flags {
  port: number;
  verbose: boolean;
  help: boolean;
  options: Omit<EmulatorOptions, 'port' | 'log'>;
}

const DEFAULT_PORT = 8085;

export function parseFlags(argv: string[]): Flags {
  const { values } = parse(argv);
  const options: Flags['options'] = { host: values.host };
  if (values['operation-delay-ms'] !== undefined) {
    options.operationDelayMs = integer('--operation-delay-ms', values['operation-delay-ms'], 0, 3_600_000);
  }
  const durations = (values.delay ?? []).reduce<DurationOverrides>((all, raw) => ({ ...all, ...delay(raw) }), {});
  if (Object.keys(durations).length > 0) options.durations = durations;
  if (values.seed !== undefined) options.seed = integer('--seed', values.seed, 0, 2 ** 32 - 1);
  if (values['state-file'] !== undefined) options.stateFile = nonEmpty('--state-file', values['state-file']);
  if (values['require-token'] !== undefined)
    options.requireToken = nonEmpty('--require-token', values['require-token']);
  if (values.scenario !== undefined) options.scenario = scenario(values.scenario);
  if (values['verify-source']) options.verifySource = true;
  if (values['no-hive-thrift']) options.hiveThrift = false;
  if (values['thrift-host'] !== undefined) options.thriftHost = nonEmpty('--thrift-host', values['thrift-host']);
  if (values['seed-demo']) options.services = [demoService()];
  const outgoing = outgoingFlags(values);
  if (Object.keys(outgoing).length > 0) options.outgoing = outgoing;
  return {
    port: integer('--port', values.port ?? String(DEFAULT_PORT), 0, 65_535),
    verbose: values.verbose,
    help: values.help,
    options,
  };
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        'operation-delay-ms': { type: 'string' },
        delay: { type: 'string', multiple: true },
        scenario: { type: 'string' },
        seed: { type: 'string' },
        'state-file': { type: 'string' },
        'require-token': { type: 'string' },
        'verify-source': { type: 'boolean', default: false },
        'seed-demo': { type: 'boolean', default: false },
        'no-hive-thrift': { type: 'boolean', default: false },
        'thrift-host': { type: 'string' },
        'rollback-window-ms': { type: 'string' },
        'hive-only-backfill-ends-in': { type: 'string' },
        'cancel-leaves-written': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
}

function outgoingFlags(values: ReturnType<typeof parse>['values']): NonNullable<EmulatorOptions['outgoing']> {
  const outgoing: NonNullable<EmulatorOptions['outgoing']> = {};
  const window = values['rollback-window-ms'];
  if (window !== undefined) outgoing.rollbackWindowMs = integer('--rollback-window-ms', window, 0, 365 * 86_400_000);
  const endsIn = values['hive-only-backfill-ends-in'];
  if (endsIn !== undefined)
    outgoing.hiveOnlyBackfillEndsIn = oneOf('--hive-only-backfill-ends-in', endsIn, ['ACTIVE', 'PROXY'] as const);
  const cancel = values['cancel-leaves-written'];
  if (cancel !== undefined)
    outgoing.cancelLeavesWritten = oneOf('--cancel-leaves-written', cancel, ['keep', 'revert'] as const);
  return outgoing;
}

function oneOf<const T extends string>(flag: string, raw: string, values: readonly T[]): T {
  const found = values.find((value) => value === raw);
  if (found === undefined) throw new FlagError(`${flag} must be one of ${values.join(', ')}, got "${raw}"`);
  return found;
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new FlagError(`${flag} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function nonEmpty(flag: string, raw: string): string {
  if (raw.trim() === '') throw new FlagError(`${flag} must not be empty`);
  return raw;
}

function delay(raw: string): DurationOverrides {
  try {
    return parseDurationFlag(raw);
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
}

function scenario(path: string): NonNullable<EmulatorOptions['scenario']> {
  try {
    return loadScenarioFile(path);
  } catch (error) {
    throw new FlagError(`--scenario: ${(error as Error).message}`);
  }
}
