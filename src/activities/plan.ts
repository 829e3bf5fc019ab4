// Prechecks that change nothing and answer with findings: the caller's IAM permissions on the service,
// and the readiness of the Cloud SQL source (Hive schema with the DPMS user, CDC prerequisites with the
// Datastream user). The workflow assembles them into the plan report.
import { log } from '@temporalio/activity';
import type { MetastoreClient } from '../metastore/client';
import type { Finding } from '../migration/findings';
import { MIGRATION_PERMISSIONS } from '../schemas';
import { checkCdcReadiness, checkHiveSchema } from '../source';
import type { SourceCheck } from '../source';
import { type SourceArgs, type SourceConnections, type SourceDeps, sourceConnections } from './source-connections';
import type { RetentionNeed } from '../source/cdc-settings';

/** Connection failures that mean "not reachable from here", as opposed to "reachable but wrong". */
const UNREACHABLE = /\b(ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)\b/;

export function createPlanActivities(deps: { metastore: MetastoreClient } & SourceDeps) {
  const { metastore } = deps;
  return {
    /** services:testIamPermissions for everything the migration will do; names whatever is missing. */
    async checkPermissions({ service }: { service: string }): Promise<Finding[]> {
      const held = new Set(await metastore.testIamPermissions(service, MIGRATION_PERMISSIONS));
      const missing = MIGRATION_PERMISSIONS.filter((permission) => !held.has(permission));
      if (missing.length === 0) {
        return [
          {
            check: 'permissions',
            level: 'ok',
            message: `the caller holds all ${MIGRATION_PERMISSIONS.length} permissions`,
          },
        ];
      }
      return [
        { check: 'permissions', level: 'error', message: `the caller lacks ${missing.join(', ')} on ${service}` },
      ];
    },

    /**
     * Connects to the source with both users. A source the worker cannot reach (a private IP seen from
     * elsewhere) is `skipped` with the reason; a reachable one with wrong credentials or settings is an error.
     */
    async checkSource({ hiveVersion, ...args }: SourceArgs & { hiveVersion?: string }): Promise<Finding[]> {
      const source = await sourceConnections(args, deps);
      if (!source)
        return [{ check: 'source', level: 'skipped', message: 'no Cloud SQL source in this migration config' }];
      const { host, port, database } = source.hive;
      log.info('checking the source', { host, port, database });
      return sourceFindings(source, hiveVersion);
    },
  };
}

/** The plan's source checks with both users; `retentionNeeded` raises the binlog retention floor. */
export async function sourceFindings(
  source: SourceConnections,
  hiveVersion: string | undefined,
  retentionNeeded?: RetentionNeed,
): Promise<Finding[]> {
  const [hive, cdc] = await Promise.all([
    checkHiveSchema(source.hive, hiveVersion ?? ''),
    checkCdcReadiness(source.cdc, retentionNeeded),
  ]);
  return [...withUser(hive, 'hive'), ...withUser(cdc, 'cdc')];
}

/** Prefixes source.* ids with the user they came from, and turns "not reachable" into skipped. */
function withUser(check: SourceCheck, user: 'hive' | 'cdc'): Finding[] {
  return check.findings.map((f) => {
    if (!f.check.startsWith('source.')) return f;
    const id = `${user}.${f.check.slice('source.'.length)}`; // hive.reachable, cdc.reachable, hive.query …
    if (f.level === 'error' && f.check === 'source.reachable' && UNREACHABLE.test(f.message)) {
      return { check: id, level: 'skipped', message: `not reachable from the worker, so not checked: ${f.message}` };
    }
    return { ...f, check: id };
  });
}
