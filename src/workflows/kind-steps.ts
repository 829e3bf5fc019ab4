// What a migration kind adds to the shell, at fixed points of the story: its prechecks, right before
// startMigration, while REPLICATION lasts, to the cutover checks, right before completeMigration and after
// SUCCEEDED. The shell decides whether (its patches), the kind what. The Cloud SQL kind reads its source, a MySQL
// database the worker reaches: its secrets and readiness before the start, a baseline at the start, a health
// watch, the source's cutover checks, and the reconciliation around cutover. Past the prechecks none of them ever
// blocks or fails the migration by itself: a check that cannot run is recorded as skipped.
import { ActivityFailure, log, workflowInfo } from '@temporalio/workflow';
import { DRY_RUN_CHECKS } from '../migration/dry-run';
import type { DryRunRecord } from '../migration/dry-run';
import type { Finding } from '../migration/findings';
import type { MigrationKind } from '../migration/kinds';
import type { ServiceFacts } from '../migration/service';
import type { BaselineTakenAt, SourceBaseline } from '../migration/source';
import type { Verification } from '../migration/verification';
import { verificationLine } from '../migration/verification';
import { configWarnings } from '../plan/config-warnings';
import type { MigrationRequest } from '../schemas';
import type { ActivityProxies } from './activity-proxies';
import { failureFinding, failureLine, failureType, rethrowBug } from './failures';
import type { MigrationRun } from './run';
import { SourceHealthWatch } from './source-health-watch';
import { sourceArgs } from './source-args';
import { publishVisibility } from './visibility';

/** A call retried as the caller decides (a plan gives up sooner than a migration). */
export type Retrying = <T>(call: () => Promise<T>) => Promise<T>;

/** The ids of the outgoing kind's dry run: fixed once per workflow, so a retried precheck never starts two. */
export interface DryRunIds {
  migrationExecutionId: string;
  requestId: string;
}

/** The kind's prechecks, beside the service's own (state, database type, executions in flight, permissions). */
export interface KindPrechecks {
  /** From the request alone, no I/O. */
  fromConfig(request: MigrationRequest): Finding[];
  /** Run together with the service and permission reads. */
  alongside(acts: ActivityProxies, request: MigrationRequest, retrying: Retrying): Promise<Finding[]>;
  /** Run once those are in, knowing the service (absent when it could not be read) and the `alongside` findings. */
  after(
    acts: ActivityProxies,
    request: MigrationRequest,
    retrying: Retrying,
    facts: ServiceFacts | undefined,
    alongside: readonly Finding[],
  ): Promise<Finding[]>;
  /**
   * Last, knowing every finding so far: a dry run of the migration, if the kind has one (the outgoing kind). It
   * starts an execution, so it runs only when nothing else blocks the start.
   */
  dryRun?(
    acts: ActivityProxies,
    request: MigrationRequest,
    retrying: Retrying,
    findings: readonly Finding[],
    ids: () => DryRunIds,
  ): Promise<{ findings: Finding[]; record?: DryRunRecord }>;
}

export interface KindSteps {
  prechecks: KindPrechecks;
  /** Right before startMigration (once: a retried start keeps the first). */
  beforeStart(run: MigrationRun): Promise<void>;
  /** When adopting an execution already running, in place of beforeStart (once). */
  atAdoption(run: MigrationRun): Promise<void>;
  /** A watch started when REPLICATION begins and stopped when it ends, if the kind has one. */
  replicationWatch(run: MigrationRun): SourceHealthWatch | undefined;
  /** The kind's cutover checks, beside the migration's own. */
  cutoverFindings(run: MigrationRun): Promise<Finding[]>;
  /** Right before completeMigration (once: a retried COMPLETING keeps the first). */
  beforeComplete(run: MigrationRun): Promise<void>;
  /** After the migration SUCCEEDED: the proof that nothing was lost. */
  afterSucceeded(run: MigrationRun): Promise<void>;
}

const cloudSqlSteps: KindSteps = {
  prechecks: {
    /** The guide's advice read from the config (regions, private IP): warnings. */
    fromConfig: (request) => configWarnings(request.service, request.migrationExecution),
    /** Both password references resolve on the worker. */
    alongside: (acts, { migrationExecution }, retrying) =>
      retrying(() => acts.precheck.checkSecrets({ migrationExecution })).then(
        (): Finding[] => [{ check: 'secrets', level: 'ok', message: 'both password references resolve on the worker' }],
        (err: unknown) => [failureFinding('secrets', err)],
      ),
    /** The source's readiness (Hive schema with the DPMS user, CDC with Datastream's), once the secrets resolve. */
    async after(acts, request, retrying, facts, alongside) {
      if (alongside.some((finding) => finding.level === 'error')) return [];
      const args = { ...sourceArgs(request), hiveVersion: facts?.hiveVersion };
      return retrying(() => acts.precheck.checkSource(args)).catch((err: unknown) => [failureFinding('source', err)]);
    },
  },

  /** What the source looks like before DPMS connects: the gate tells old clients from DPMS by it. */
  beforeStart: (run) => recordBaseline(run),

  /**
   * The same read when adopting, marked as taken then: DPMS has been connected for a while, so a client already
   * on the source cannot be told from an old one, and the VERSION is compared from now, not from the start.
   */
  atAdoption: (run) => recordBaseline(run, 'adoption'),

  replicationWatch(run) {
    return new SourceHealthWatch(run.acts, run.request, run.state, (changes) => {
      publishVisibility(run.state, run.service);
      if (changes.length === 0) return;
      const status = run.state.sourceHealth?.status ?? 'unknown';
      const lines = changes.map((c) => `${c.check} ${c.from ?? 'new'} → ${c.to}: ${c.message}`);
      log.warn('source health changed', { status, changes: lines });
      run.notifier.emit('source_health', `source health ${status}: ${lines.join('; ')}`);
    });
  },

  async cutoverFindings(run) {
    const { request, state } = run;
    const options = request.options;
    const args = {
      ...sourceArgs(request),
      hiveVersion: state.hiveVersion,
      ...(state.sourceBaseline && { baseline: state.sourceBaseline }),
      retentionDays: options.binlogRetentionDays,
      ...(state.awaitingSince && { awaitingSince: state.awaitingSince }),
      ...(options.dpmsClientCidrs && { dpmsClientCidrs: options.dpmsClientCidrs }),
      ...(options.allowedClients && { allowedClients: options.allowedClients }),
    };
    return run.acts.sourceChecks.checkCutoverReadiness(args).catch((err: unknown): Finding[] => {
      if (!(err instanceof ActivityFailure)) throw err;
      return [{ check: 'source', level: 'error', message: failureLine(err) }];
    });
  },

  /** The source's inventory: what DPMS must serve after cutover, read right before it. */
  async beforeComplete(run) {
    if (run.state.cutoverInventory) return;
    const args = {
      workflowId: workflowInfo().workflowId,
      execution: run.state.execution?.name ?? '',
      ...sourceArgs(run.request),
    };
    const recorded = await run.acts.inventory.recordSourceInventory(args).catch((err: unknown) => {
      rethrowBug(err);
      return { skipped: failureLine(err) };
    });
    run.state.cutoverInventory = recorded;
    if ('skipped' in recorded)
      log.warn('the source inventory was not recorded before cutover', { reason: recorded.skipped });
  },

  /** DPMS's metastore against the source's at cutover; a mismatch is flagged and told, the outcome stays. */
  async afterSucceeded(run) {
    const recorded = run.state.cutoverInventory;
    const args = {
      service: run.service,
      ...sourceArgs(run.request),
      ...(recorded && 'key' in recorded ? { cutover: recorded } : {}),
    };
    await recordVerification(run, 'DPMS does not serve what the source held', () =>
      run.acts.inventory.verifyMigration(args),
    );
  },
};

async function recordBaseline(run: MigrationRun, takenAt?: BaselineTakenAt): Promise<void> {
  if (run.state.sourceBaseline) return;
  const baseline = await run.acts.sourceChecks
    .readSourceBaseline(sourceArgs(run.request))
    .catch((err: unknown): SourceBaseline => {
      rethrowBug(err);
      return { skipped: failureLine(err) };
    });
  run.state.sourceBaseline = takenAt ? { ...baseline, takenAt } : baseline;
}

/**
 * DPMS → the Lakehouse runtime catalog. The worker reads no source database here (the API reads the service
 * itself), so nothing is recorded around start and cutover; the kind's own precheck is a dry run of the migration.
 */
const biglakeSteps: KindSteps = {
  prechecks: {
    // The config's rules (R1–R4, reportPath's form, the version rule) were checked with the request.
    fromConfig: () => [],
    /** Every target catalog exists, is of its type and readable (the Lakehouse side, read by the worker). */
    alongside: (acts, { migrationExecution }, retrying) => {
      const config = migrationExecution.biglakeMetastoreMigrationConfig;
      const args = {
        ...(config?.hiveConfig && { hiveCatalog: config.hiveConfig.catalog }),
        ...(config?.icebergConfig && { icebergCatalog: config.icebergConfig.catalog }),
      };
      return retrying(() => acts.lakehouse.checkTargetCatalogs(args)).catch((err: unknown) => [
        failureFinding('targets', err),
      ]);
    },
    after: () => Promise.resolve([]),
    dryRun: outgoingDryRun,
  },
  beforeStart: () => Promise.resolve(),
  atAdoption: () => Promise.resolve(),
  replicationWatch: () => undefined,
  // The migration's own cutover checks (RUNNING with the backfill SUCCEEDED, no unresolved API error) are all.
  cutoverFindings: () => Promise.resolve([]),
  beforeComplete: () => Promise.resolve(),
  afterSucceeded: verifyOutgoing,
};

/**
 * After the backfill SUCCEEDED: its report read (failed tables by name, with the API's messages) into the recorded
 * outcome, then DPMS's Hive endpoint compared with the target catalogs. Neither ever changes the outcome: a report
 * that cannot be read, or a verification that cannot run, is recorded and told.
 */
async function verifyOutgoing(run: MigrationRun): Promise<void> {
  const execution = run.state.execution?.name;
  if (!execution || run.state.verification) return;
  await readFailedTables(run);
  await recordVerification(run, 'the Lakehouse catalogs do not hold what DPMS serves', () =>
    run.acts.lakehouse.verifyBackfill({ service: run.service, execution }),
  );
}

/**
 * The backfill's report read once into the recorded outcome: its failed tables by name, with the API's messages. A
 * report that cannot be read is logged and left unread (a later step may try again); it never changes the outcome.
 */
export async function readFailedTables(run: MigrationRun): Promise<void> {
  const execution = run.state.execution?.name;
  const backfill = run.state.backfill;
  if (!execution || !backfill || backfill.reportRead) return;
  const report = await run.acts.lakehouse.readBackfillReport({ execution }).catch((err: unknown) => {
    rethrowBug(err);
    log.warn('the backfill report was not read', { reason: failureLine(err) });
    return undefined;
  });
  if (!report) return;
  backfill.reportRead = true;
  backfill.failedTables = report.failedTables.map(({ name, catalog, errorMessage }) => {
    const dot = name.indexOf('.');
    return {
      catalog,
      database: name.slice(0, dot),
      table: name.slice(dot + 1),
      ...(errorMessage !== undefined && { errorMessage }),
    };
  });
}

/**
 * Either kind's proof, recorded, published and told; one that cannot run is `skipped` with why. It never changes
 * the outcome. (The same commands in the same order as before it was shared: running workflows replay alike.)
 */
async function recordVerification(run: MigrationRun, mismatch: string, verify: () => Promise<Verification>) {
  const verification = await verify().catch((err: unknown): Verification => {
    rethrowBug(err);
    return {
      status: 'skipped',
      ok: false,
      checkedAt: new Date().toISOString(),
      note: `the verification failed: ${failureLine(err)}`,
    };
  });
  run.state.verification = verification;
  if (verification.status === 'mismatch') log.warn(mismatch, { ...verification.report?.totals });
  publishVisibility(run.state, run.service);
  run.notifier.emit('verification', verificationLine(verification));
}

/**
 * A dry run of the request's migration: an execution with `dryRun: true`, waited to its end by retry-as-poll, its
 * summary judged by the domain's dry-run checks (ERROR / DEPENDENCY_FAILURE databases block unless overridden by
 * name). It runs as a BACKFILL whatever the request's mode: a plan ends by itself, while an INCREMENTAL_SYNC would
 * wait for a complete. A target catalog the API cannot find (404) is the `targets.catalogs` finding.
 */
async function outgoingDryRun(
  acts: ActivityProxies,
  request: MigrationRequest,
  retrying: Retrying,
  findings: readonly Finding[],
  ids: () => DryRunIds,
): Promise<{ findings: Finding[]; record?: DryRunRecord }> {
  const config = request.migrationExecution.biglakeMetastoreMigrationConfig;
  if (!config) return { findings: [] };
  const check = DRY_RUN_CHECKS.finished;
  if (config.dryRun === true) {
    return { findings: [{ check, level: 'ok', message: 'the migration itself is a dry run: no dry run before it' }] };
  }
  if (findings.some((finding) => finding.level === 'error')) {
    const message = 'not run: the checks above block the start, and a dry run would start an execution';
    return { findings: [{ check, level: 'skipped', message }] };
  }
  const { migrationExecutionId, requestId } = ids();
  const args = {
    service: request.service,
    config: { ...config, mode: 'BACKFILL' as const, dryRun: true },
    migrationExecutionId,
    requestId,
  };
  let started;
  try {
    started = await retrying(() => acts.api.startBiglakeMigration(args));
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    // The contract (§3.1): the target catalogs must exist; the API names the missing one's field.
    if (failureType(err) === 'NOT_FOUND') {
      return { findings: [{ check: 'targets.catalogs', level: 'error', message: failureLine(err) }] };
    }
    return { findings: [failureFinding(check, err)] };
  }
  const execution = started.migrationExecution ?? '';
  const pollIntervalMs = request.options.operationPollSeconds * 1000;
  try {
    const { findings: judged, ...record } = await retrying(() =>
      acts.operationChecks.awaitDryRun({ execution, pollIntervalMs }),
    );
    return { findings: judged, record };
  } catch (err) {
    return { findings: [failureFinding(check, err)] };
  }
}

/** The steps of `kind`: Cloud SQL → DPMS (incoming) or DPMS → Lakehouse (outgoing). */
export function kindSteps(kind: MigrationKind): KindSteps {
  switch (kind.configField) {
    case 'cloudSqlMigrationConfig':
      return cloudSqlSteps;
    case 'biglakeMetastoreMigrationConfig':
      return biglakeSteps;
  }
}
