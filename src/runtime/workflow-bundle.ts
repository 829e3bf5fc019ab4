// How the workflow code is bundled: once, outside the worker process. (Sharing zod between cached workflows
// with the SDK's preloadModules does not work: shared modules are frozen, and zod memoizes members on its
// schema objects at first use. So each cached workflow keeps its own schemas, ~1.5 MiB: see the cache size.)
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

export const WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * `failureConverterPath`: the worker's dataConverter's, built into the bundle, since the sandbox converts the
 * workflow's own failures with the bundle's converter and not with the worker's.
 */
export function workflowBundleOptions(
  failureConverterPath?: string,
): Pick<BundleOptions, 'workflowsPath' | 'failureConverterPath'> {
  return { workflowsPath: WORKFLOWS_PATH, ...(failureConverterPath !== undefined && { failureConverterPath }) };
}

/**
 * The worker's bundle, built by a child process and kept in a private cache directory under a hash of the sources
 * it is built from: webpack's memory (~150 MiB of RSS that a long-running worker never gives back) stays out of
 * the worker, a restart reuses the bundle, and an edited workflow can never run from a stale one. The bundle is code
 * the worker runs, so it is loaded only from a directory of this user's that nobody else may write, only if the
 * file is this user's too, and only if its content hash is the one recorded when it was built.
 */
export async function prebuiltWorkflowBundle(
  log: (line: string) => void = () => undefined,
  cacheDir: string = bundleCacheDir(),
  failureConverterPath?: string,
): Promise<{ codePath: string }> {
  privateDirectory(cacheDir);
  // One bundle per converter: a worker with codec keys and one without may share the cache.
  const variant = failureConverterPath === undefined ? '' : `-${sha256(failureConverterPath).slice(0, 8)}`;
  const codePath = join(cacheDir, `workflows-${sourceHash()}${variant}.js`);
  // Twice at most: a worker starting beside this one may have replaced the hash between our two writes.
  for (let attempt = 1; attempt <= 2; attempt++) {
    if (trustedBundle(codePath)) return { codePath };
    const started = Date.now();
    const script = join(__dirname, `bundle-workflows${extname(__filename)}`);
    await new Promise<void>((resolve, reject) => {
      const args = [
        ...loaderArgs(),
        script,
        codePath,
        ...(failureConverterPath === undefined ? [] : [failureConverterPath]),
      ];
      execFile(process.execPath, args, { maxBuffer: 16 << 20 }, (err, _out, stderr) =>
        err ? reject(new Error(`bundling the workflows failed: ${stderr || err.message}`)) : resolve(),
      );
    });
    log(`workflow bundle built in ${Date.now() - started} ms: ${codePath}`);
  }
  if (trustedBundle(codePath)) return { codePath };
  throw new Error(`the workflow bundle built at ${codePath} does not match its recorded hash`);
}

/** $XDG_CACHE_HOME/metastore-migrator, else ~/.cache/metastore-migrator: the user's own, never a shared /tmp. */
export function bundleCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'metastore-migrator', 'workflow-bundles');
}

/** Creates `dir` (0700) if needed; refuses one that is a symlink, someone else's, or writable by others. */
function privateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const problem = !stat.isDirectory()
    ? 'is not a directory'
    : stat.uid !== process.getuid?.()
      ? 'belongs to another user'
      : (stat.mode & 0o022) !== 0
        ? 'is writable by others'
        : undefined;
  if (problem) throw new Error(`the workflow bundle cache ${dir} ${problem}: remove it or set XDG_CACHE_HOME`);
}

/** The bundle at `path` exists, is this user's regular file writable by nobody else, and matches its hash. */
function trustedBundle(path: string): boolean {
  if (!existsSync(path)) return false;
  const stat = lstatSync(path);
  if (!stat.isFile() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) return false;
  const recorded = existsSync(`${path}.sha256`) ? readFileSync(`${path}.sha256`, 'utf8').trim() : '';
  return recorded === sha256(readFileSync(path));
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * This process's flags that the child needs to load the script (tsx's --require/--import), never an --eval or
 * --print that would run this process's own code again in the child.
 */
export function loaderArgs(argv: readonly string[] = process.execArgv): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (/^(-r|--require|--import|--loader|--experimental-loader)$/.test(arg) && i + 1 < argv.length) {
      args.push(arg, argv[++i]!);
    } else if (/^(--require|--import|--loader|--experimental-loader)=/.test(arg)) {
      args.push(arg);
    }
  }
  return args;
}

/** Every source file next to the workflows (they import across src/) and the versions of the bundled packages. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const root = join(dirname(WORKFLOWS_PATH), '..');
  const files = (readdirSync(root, { recursive: true }) as string[])
    .filter((file) => /\.(ts|js|json)$/.test(file) && !file.endsWith('.d.ts'))
    .sort();
  for (const file of files) hash.update(file).update(readFileSync(join(root, file)));
  for (const name of ['@temporalio/workflow', 'zod']) hash.update(`${name}@${packageVersion(name)}`);
  return hash.digest('hex').slice(0, 16);
}

function packageVersion(name: string): string {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (parsed.name === name) return parsed.version ?? '?';
  }
  return '?';
}
