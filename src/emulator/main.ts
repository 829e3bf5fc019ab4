// `npm run emulator -- --port P [--host H] [--operation-delay-ms N] [--seed-demo] [--verbose]`: runs the
// emulator in the foreground until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { createEmulator, demoService } from './server';

const USAGE = `usage: npm run emulator -- [--port 8085] [--host 127.0.0.1] [--operation-delay-ms 1000] [--seed-demo] [--verbose]`;
const DEFAULT_PORT = 8085;

interface Flags {
  port: number;
  host: string;
  operationDelayMs: number;
  seedDemo: boolean;
  verbose: boolean;
}

function parseFlags(argv: string[]): Flags {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'operation-delay-ms': { type: 'string' },
      'seed-demo': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    port: integer('--port', values.port ?? String(DEFAULT_PORT), 0, 65_535),
    host: values.host,
    operationDelayMs: integer('--operation-delay-ms', values['operation-delay-ms'] ?? '1000', 0, 3_600_000),
    seedDemo: values['seed-demo'],
    verbose: values.verbose,
  };
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new Error(`${flag} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

async function main(): Promise<void> {
  let flags: Flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    console.error(`metastore emulator: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const emulator = await createEmulator({
    port: flags.port,
    host: flags.host,
    operationDelayMs: flags.operationDelayMs,
    services: flags.seedDemo ? [demoService()] : [],
    ...(flags.verbose ? { log: (line: string) => console.log(line) } : {}),
  });
  console.log(`Metastore emulator listening on ${emulator.host} (METASTORE_EMULATOR_HOST=${emulator.host})`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
