// The zod schemas, for the rare workflow paths that still need them (an update's argument, a plan's request,
// a run recorded before requests were checked in a local activity). The workflow sandbox evaluates a workflow's
// modules once per cached workflow, so a top-level import would put megabytes of zod in every one of them;
// required here, it is evaluated only in the workflows that take one of those paths.
import type * as Schemas from '../schemas';

export function schemas(): typeof Schemas {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see above
  return require('../schemas') as typeof Schemas;
}
