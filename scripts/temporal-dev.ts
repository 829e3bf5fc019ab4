// npm run temporal:dev [-- --port 7233 --ui-port 8233 --db-filename .cache/temporal-dev.sqlite --codec-endpoint URL]
// A local Temporal dev server in the foreground, with the Web UI and state that survives restarts. With
// --codec-endpoint (a running `npm run codec-server`), the Web UI shows encrypted payloads decoded.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { devServerArgs, devServerEnv, ensureTemporalCli } from './temporal-cli';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '7233' },
    'ui-port': { type: 'string', default: '8233' },
    'db-filename': { type: 'string', default: '.cache/temporal-dev.sqlite' },
    'codec-endpoint': { type: 'string' },
  },
});

function parsePort(name: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`--${name} must be a port, got ${value}`);
  return port;
}

async function main(): Promise<void> {
  const cli = await ensureTemporalCli();
  const dbFilename = resolve(values['db-filename']);
  mkdirSync(dirname(dbFilename), { recursive: true });
  const port = parsePort('port', values.port);
  const uiPort = parsePort('ui-port', values['ui-port']);
  const codecEndpoint = values['codec-endpoint'];
  if (codecEndpoint !== undefined && !/^https?:\/\/\S+$/.test(codecEndpoint)) {
    throw new Error(`--codec-endpoint must be an http(s) URL, got ${codecEndpoint}`);
  }
  // The browser calls the codec endpoint itself, so it must be reachable from where the UI is opened.
  const extraArgs = codecEndpoint === undefined ? [] : ['--ui-codec-endpoint', codecEndpoint];
  const child = spawn(cli, devServerArgs({ port, uiPort, dbFilename, extraArgs }), {
    stdio: 'inherit',
    env: devServerEnv(),
  });
  console.error(
    `temporal dev server: 127.0.0.1:${port}, Web UI http://127.0.0.1:${uiPort}, state in ${dbFilename}` +
      (codecEndpoint === undefined ? '' : `, Web UI decodes payloads via ${codecEndpoint}`),
  );
  // A terminal's Ctrl-C reaches the child too; forwarding covers `kill <pid>` and process managers, which signal
  // only us. A repeated SIGINT is harmless: the server is already stopping.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    console.error(err.message);
    process.exit(1);
  });
  // Exit as a shell would: the child's code, or 128 + the number of the signal that ended it.
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal === null ? 0 : constants.signals[signal])));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
