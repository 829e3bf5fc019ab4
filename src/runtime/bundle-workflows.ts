// Child process of prebuiltWorkflowBundle: bundles the workflows (with the failure converter of argv[3], if given)
// and writes the bundle atomically to argv[2] (workers starting together may race; each renames a complete file
// into place).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { sha256, workflowBundleOptions } from './workflow-bundle';

async function main(out: string, failureConverterPath: string | undefined): Promise<void> {
  const options = workflowBundleOptions(failureConverterPath);
  const { code } = await bundleWorkflowCode({ ...options, logger: new DefaultLogger('WARN') });
  mkdirSync(dirname(out), { recursive: true, mode: 0o700 });
  // The hash first, then the bundle: a reader that finds the bundle finds the hash it must match.
  for (const [path, content] of [
    [`${out}.sha256`, sha256(code)],
    [out, code],
  ] as const) {
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, content, { mode: 0o600 });
    renameSync(partial, path);
  }
}

const out = process.argv[2];
if (!out) throw new Error('usage: bundle-workflows <out.js> [failure-converter-path]');
main(out, process.argv[3]).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
