// `npm run demo -- --keep`: the environment that points the CLI at the demo's running stack, as a file a shell can
// `source` (and a test can read: only `export NAME='value'` lines carry values), and commands to try with it.
import { writeFile } from 'node:fs/promises';

/**
 * Variables a caller's shell may hold that would send the CLI elsewhere or add credentials the dev server does not
 * take (envconfig reads them over any profile): the env file unsets them.
 */
const FOREIGN_TEMPORAL_VARIABLES = [
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
  'TEMPORAL_TASK_QUEUE',
  'METASTORE_EMULATOR_TOKEN',
];

const quoted = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * Writes `vars` as `export` lines, mode 0600: they include the demo's payload key. That key is the demo's own,
 * made for this run and useless once it ends, and a person at the kept stack needs it to read the history's
 * payloads, so writing it to a file is deliberate here (and only here).
 */
export async function writeEnvFile(file: string, vars: Record<string, string>, header: string[]): Promise<void> {
  const lines = [
    ...header.map((line) => `# ${line}`),
    `unset ${FOREIGN_TEMPORAL_VARIABLES.join(' ')}`,
    ...Object.entries(vars).map(([name, value]) => `export ${name}=${quoted(value)}`),
  ];
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** `export NAME='value'` lines of an env file written above (what a test hands to a CLI instead of a shell). */
export function readEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)='(.*)'$/.exec(line);
    if (match) vars[match[1]!] = match[2]!.replaceAll(`'\\''`, "'");
  }
  return vars;
}
