// Names: the API's resource names (matched, built, taken apart here and nowhere else by string slicing) and the
// names this tool gives its workflows, queues and metrics — shared by workflow, worker, CLI and metrics.

export const SERVICE_NAME = /^projects\/[^/]+\/locations\/[^/]+\/services\/[^/]+$/;
export const MIGRATION_EXECUTION_NAME =
  /^projects\/[^/]+\/locations\/[^/]+\/services\/[^/]+\/migrationExecutions\/[^/]+$/;
export const OPERATION_NAME = /^projects\/[^/]+\/locations\/[^/]+\/operations\/[^/]+$/;

export function migrationExecutionName(service: string, id: string): string {
  return `${service}/migrationExecutions/${id}`;
}

/** The migration workflow's type. */
export const WORKFLOW_TYPE = 'managedMigration';

/** One workflow per service: a second start for the same service is refused by Temporal itself. */
export function workflowIdFor(service: string): string {
  return `migration/${service}`;
}

/**
 * The poll queue of a deployment whose base queue is `taskQueue`. The workflows and every control call (prechecks,
 * start, complete, cancel, backup restore, operation checks) use the base queue; the waiting migrations' polls use
 * their own, served by a separate slot pool, so however many migrations wait, a control call never queues behind one.
 */
export function pollTaskQueue(taskQueue: string): string {
  return `${taskQueue}-polls`;
}

/** The counter the workflow adds engineers' decisions to (by action, result, via); the worker exports it. */
export const DECISIONS_METRIC = 'metastore_migrator_decisions';

/** One segment of a resource path: an id (a domain-scoped project has '.' and ':'), or an id with its ':verb'. */
const PATH_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._~:-]*$/;

/**
 * Why `path` is not a resource path the API client may put in a URL, or undefined. Names come from workflow input
 * (untrusted): a '.' or '..' segment would be normalised away by URL parsing and reach another resource, and '?',
 * '#' or '%' would change the request; so every segment must be a plain id.
 */
export function resourcePathProblem(path: string): string | undefined {
  const segments = path.split('/');
  const bad = segments.findIndex((segment) => !PATH_SEGMENT.test(segment));
  if (bad === -1) return undefined;
  return (
    `segment ${bad + 1} of ${segments.length} is not a plain resource id (letters, digits, '.', '_', '~', ':', '-', ` +
    `starting with a letter or digit; no '.' or '..', '?', '#' or '%')`
  );
}
