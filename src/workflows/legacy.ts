// Replay only: the paths that runs recorded before a patch (src/workflows/patches.ts) take when they are replayed
// or carried on. Nothing new ever takes them; each goes when its patch is deprecated.
import type { MigrationSnapshot } from '../migration/snapshot';
import { serviceProblems } from '../migration/kinds';
import type { ServiceFacts } from '../migration/service';
import type { MigrationState } from '../migration/state';
import type { MigrationRequest, MigrationRequestInput, RequestCheck } from '../schemas';
import type { ActivityProxies } from './activity-proxies';
import { schemas } from './schemas-on-demand';

/** Before retry-as-poll: the operation awaited by one long, heartbeating, cancellable activity. */
export function legacyAwaitOperation(acts: ActivityProxies, args: { operation: string; pollIntervalMs: number }) {
  return acts.legacy.operations.awaitOperation(args);
}

/** Before retry-as-poll: the old watcher activity (now one read that returns at once, moving the run over). */
export function legacyWaitForChange(
  acts: ActivityProxies,
  args: Parameters<ActivityProxies['polls']['pollMigrationChange']>[0],
): Promise<MigrationSnapshot> {
  return acts.legacy.watcher.watchMigration(args);
}

/** Before parallel-prechecks: the service, permission and secret prechecks one after another. */
export async function legacySequentialPrechecks<A, B, C>(
  a: () => Promise<A>,
  b: () => Promise<B>,
  c: () => Promise<C>,
): Promise<[A, B, C]> {
  return [await a(), await b(), await c()];
}

/** What the old precheck needs of the run (MigrationRun has it). */
interface PrecheckContext {
  acts: ActivityProxies;
  request: MigrationRequest;
  state: MigrationState;
  retrying<T>(call: () => Promise<T>, maxRounds?: number): Promise<T>;
  end(outcome: 'PRECHECK_FAILED', message: string): void;
}

/** Before full-prechecks: the service facts and the secrets only, in turn; a problem ends the run. */
export async function legacyServicePrecheck(run: PrecheckContext, rounds: number): Promise<ServiceFacts | undefined> {
  const { service, migrationExecution } = run.request;
  const facts = await run.retrying(() => run.acts.precheck.checkService({ service }), rounds);
  run.state.serviceState = facts.state;
  const problems = serviceProblems(facts);
  if (problems.length > 0) {
    run.end('PRECHECK_FAILED', `precheck failed: ${problems.join('; ')}`);
    return undefined;
  }
  await run.retrying(() => run.acts.precheck.checkSecrets({ migrationExecution }), rounds);
  return facts;
}

/** Before request-check-activity: the request checked in the workflow itself (zod loaded into the sandbox). */
export function legacyCheckRequest(request: MigrationRequestInput): RequestCheck {
  return schemas().checkMigrationRequest(request);
}
