// `npm run emulator -- [options]` (see cli-flags.ts for the list): runs the emulator in the foreground until
// SIGINT/SIGTERM, then writes the state file (if any) and exits 0. Bad flags, an invalid scenario or an
// unreadable state file exit 2 before anything listens.
import { FlagError, type Flags, USAGE, parseFlags } from './cli-flags';
import { type Emulator, createEmulator } from './server';

async function main(): Promise<void> {
  let flags: Flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    console.error(`metastore emulator: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    console.log(USAGE);
    process.exit(0);
  }
  let emulator: Emulator;
  try {
    emulator = await createEmulator({
      ...flags.options,
      port: flags.port,
      ...(flags.verbose ? { log: (line: string) => console.log(line) } : {}),
    });
  } catch (error) {
    // A corrupt state file or a scenario seed that clashes is a configuration error; a busy port is not.
    const code = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 1 : 2;
    console.error(`metastore emulator: ${(error as Error).message}`);
    process.exit(code);
  }
  console.log(`Metastore emulator listening on ${emulator.host} (METASTORE_EMULATOR_HOST=${emulator.host})`);
  // The other stand-ins share the port (surfaces.ts); say how a client finds them.
  console.log(
    `Cloud Storage (STORAGE_EMULATOR_HOST=${emulator.url}), BigLake Hive ${emulator.url}/hive/v1, Iceberg REST ${emulator.url}/iceberg/v1/restcatalog`,
  );
  if (flags.verbose) console.log(`fault-rate seed ${emulator.seed}`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
