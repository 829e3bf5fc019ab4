// Which outgoing execution a `verify --config` compares against, and the targets a config names. The file names
// the target catalogs; an execution adds its report (what failed or was skipped on purpose) and its summary's
// counts. Without --migration-id the service's latest finished backfill to the same catalogs is taken: the one
// whose report describes what those catalogs should hold now. ROLLED_BACK counts as finished — a rollback leaves
// the written tables in place, and the verification must say it happened rather than pass over it to an older run.
import type { MigrationExecution } from '../schemas';
import type { BackfillTargets } from './backfill-scope';

/** The part of biglakeMetastoreMigrationConfig that names targets, as a request or an execution holds it. */
export interface TargetConfig {
  hiveConfig?: { catalog?: string; databases?: string[] };
  icebergConfig?: { catalog?: string; namespaces?: string[] };
}

/** Executions whose backfill wrote all it will: only these have a report to compare with. */
export const FINISHED_BACKFILL: readonly string[] = ['SUCCEEDED', 'ROLLED_BACK'];

export function backfillTargets(config: TargetConfig): BackfillTargets {
  return {
    ...(config.hiveConfig?.catalog && {
      hive: { catalog: config.hiveConfig.catalog, databases: config.hiveConfig.databases ?? [] },
    }),
    ...(config.icebergConfig?.catalog && {
      iceberg: { catalog: config.icebergConfig.catalog, namespaces: config.icebergConfig.namespaces ?? [] },
    }),
  };
}

/** "hive projects/p/catalogs/h, iceberg projects/p/catalogs/i": the catalogs, as a person compares them. */
export function catalogsOf(config: TargetConfig): string {
  const named = [
    config.hiveConfig?.catalog && `hive ${config.hiveConfig.catalog}`,
    config.icebergConfig?.catalog && `iceberg ${config.icebergConfig.catalog}`,
  ].filter(Boolean);
  return named.length > 0 ? named.join(', ') : 'no catalog';
}

/** Whether an execution wrote to the same catalogs the config names (the databases may differ). */
export function sameCatalogs(a: TargetConfig, b: TargetConfig): boolean {
  return a.hiveConfig?.catalog === b.hiveConfig?.catalog && a.icebergConfig?.catalog === b.icebergConfig?.catalog;
}

/** The newest finished, non-dry-run outgoing execution to the config's catalogs (by createTime), if any. */
export function latestBackfillTo(
  executions: readonly MigrationExecution[],
  config: TargetConfig,
): MigrationExecution | undefined {
  return executions
    .filter((e) => {
      const c = e.biglakeMetastoreMigrationConfig;
      return c && !c.dryRun && FINISHED_BACKFILL.includes(e.state ?? '') && sameCatalogs(c, config);
    })
    .sort((a, b) => (b.createTime ?? '').localeCompare(a.createTime ?? ''))[0];
}
