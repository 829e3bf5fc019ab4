// One end-to-end setup for the tests that drive migrations through the CLI: a dev server, the stack (emulator,
// worker and CLI processes) and a migration config file in a scratch folder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snakeCaseConfigYaml } from './migration';
import { type CliRun, type Stack, type StackOptions, startStack } from './stack';
import { type DevServer, startDevServer } from './temporal';

export interface E2e {
  temporal: DevServer;
  stack: Stack;
  /** The migration config (snake_case YAML, passwords by env reference). */
  configFile: string;
  /** `start --service S --config … --poll-interval 1`, plus any flags given. */
  start(service: string, ...flags: string[]): Promise<CliRun>;
  close(): Promise<void>;
}

export async function startE2e(name: string, options: StackOptions = {}): Promise<E2e> {
  const workDir = await mkdtemp(join(tmpdir(), `metastore-migrator-${name}-`));
  const configFile = join(workDir, 'migration.yaml');
  await writeFile(configFile, snakeCaseConfigYaml());
  const temporal = await startDevServer();
  const stack = await startStack(temporal, [], options);
  return {
    temporal,
    stack,
    configFile,
    start: (service, ...flags) =>
      stack.cli('start', '--service', service, '--config', configFile, '--poll-interval', '1', ...flags),
    async close() {
      await Promise.allSettled([stack.close(), temporal.close()]);
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
