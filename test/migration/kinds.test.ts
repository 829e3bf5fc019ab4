// The kinds of migration: which one a config is, and what each needs of the service before it starts — the
// incoming kind exactly as before, the outgoing kind in PROXY only as a further batch of Iceberg namespaces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BIGLAKE_KIND, CLOUD_SQL_KIND, kindOf, proxyBatchProblem, serviceProblems } from '../../src/migration/kinds';
import type { LakehouseTargets } from '../../src/migration/kinds';
import type { ServiceFacts } from '../../src/migration/service';

const ICEBERG = 'projects/corp-lake/catalogs/iceberg-main';

function facts(overrides: Partial<ServiceFacts> = {}): ServiceFacts {
  return {
    name: 'projects/p/locations/us-central1/services/hms',
    state: 'ACTIVE',
    databaseType: 'SPANNER',
    scheduledBackup: { enabled: false },
    activeExecutions: [],
    ...overrides,
  };
}

const proxy = (namespaces: string[]) =>
  facts({ state: 'PROXY', lakehouseProxyConfig: { catalog: ICEBERG, namespaces } });
const batch = (namespaces: string[], catalog = ICEBERG): LakehouseTargets => ({
  icebergConfig: { catalog, namespaces },
});

describe('kindOf', () => {
  it('recognises both members of migration_config, and takes a config of no known kind as Cloud SQL', () => {
    assert.equal(kindOf({ cloudSqlMigrationConfig: {} }), CLOUD_SQL_KIND);
    assert.equal(kindOf({ biglakeMetastoreMigrationConfig: { mode: 'BACKFILL' } }), BIGLAKE_KIND);
    assert.equal(kindOf({}), CLOUD_SQL_KIND);
  });

  it('the outgoing kind reads no source database and needs no database type', () => {
    assert.equal(BIGLAKE_KIND.readsSourceDatabase, false);
    assert.equal(BIGLAKE_KIND.requiredDatabaseType, undefined);
    assert.deepEqual(serviceProblems(facts({ databaseType: 'MYSQL' }), BIGLAKE_KIND, batch(['web'])), []);
  });
});

describe('serviceProblems', () => {
  it('the incoming kind: as before (PROXY refused, SPANNER required, nothing in flight)', () => {
    assert.deepEqual(serviceProblems(facts()), []);
    assert.deepEqual(serviceProblems(proxy(['web']), CLOUD_SQL_KIND, batch(['ads'])), [
      'service state is PROXY: it forwards to the Lakehouse catalog after an outgoing migration, and an incoming migration cannot start on it',
    ]);
    assert.deepEqual(serviceProblems(facts({ databaseType: 'MYSQL', activeExecutions: ['e1'] })), [
      'service databaseType is MYSQL, managed migration requires SPANNER',
      'a migration is already in flight: e1 (start --adopt takes it over)',
    ]);
  });

  it('the outgoing kind: not while MIGRATING, not with an execution in flight, not in a state it does not know', () => {
    assert.deepEqual(serviceProblems(facts({ state: 'MIGRATING' }), BIGLAKE_KIND, batch(['web'])), [
      'service state is MIGRATING, must be ACTIVE',
    ]);
    assert.deepEqual(serviceProblems(facts({ activeExecutions: ['e1'] }), BIGLAKE_KIND, batch(['web'])), [
      'a migration is already in flight: e1 (start --adopt takes it over)',
    ]);
    const newer = serviceProblems(facts({ state: 'LAKEHOUSE_FEDERATED' as ServiceFacts['state'] }), BIGLAKE_KIND);
    assert.match(newer[0]!, /a value this tool does not know/);
  });

  it('the outgoing kind in PROXY: a further batch of namespaces not yet forwarded, to the same catalog', () => {
    assert.deepEqual(serviceProblems(proxy(['web', 'ads']), BIGLAKE_KIND, batch(['billing', 'crm'])), []);
    const again = serviceProblems(proxy(['web', 'ads']), BIGLAKE_KIND, batch(['billing', 'ads']));
    assert.deepEqual(again, [
      'service state is PROXY: it already forwards ads (lakehouseProxyConfig.namespaces); a further batch names only others',
    ]);
  });

  it('the outgoing kind in PROXY: refused for "*", another catalog, a Hive target, no targets or no proxy config', () => {
    assert.match(
      proxyBatchProblem({ catalog: ICEBERG, namespaces: ['web'] }, batch(['*']))!,
      /"\*" would migrate again .*web/,
    );
    assert.match(
      proxyBatchProblem(
        { catalog: ICEBERG, namespaces: ['web'] },
        batch(['ads'], 'projects/corp-lake/catalogs/other'),
      )!,
      /must go to that catalog/,
    );
    const withHive: LakehouseTargets = {
      ...batch(['ads']),
      hiveConfig: { catalog: 'projects/corp-lake/catalogs/hive', databases: ['sales'] },
    };
    assert.match(proxyBatchProblem({ catalog: ICEBERG, namespaces: ['web'] }, withHive)!, /leave hiveConfig out/);
    assert.match(proxyBatchProblem({ catalog: ICEBERG, namespaces: ['web'] }, undefined)!, /no icebergConfig/);
    assert.match(proxyBatchProblem(undefined, batch(['ads']))!, /no lakehouseProxyConfig/);
    const noTargets = serviceProblems(proxy(['web']), BIGLAKE_KIND);
    assert.equal(noTargets.length, 1);
    assert.match(noTargets[0]!, /^service state is PROXY: .*no icebergConfig/);
  });
});
