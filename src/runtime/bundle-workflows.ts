// Child process of prebuiltWorkflowBundle: bundles the workflows and writes the bundle atomically to argv[2]
// (workers starting together may race; each renames a complete file into place).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from './workflow-bundle';

async function main(out: string): Promise<void> {
  const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(), logger: new DefaultLogger('WARN') });
  mkdirSync(dirname(out), { recursive: true });
  const partial = `${out}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, out);
}

const out = process.argv[2];
if (!out) throw new Error('usage: bundle-workflows <out.js>');
main(out).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
