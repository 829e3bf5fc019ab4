// The comparison on its own: what counts as missing, failed, skipped or differing, without a server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExpectedTable } from '../../src/lakehouse/backfill-scope';
import { expectedTables } from '../../src/lakehouse/backfill-scope';
import { compareBackfill } from '../../src/lakehouse/compare-backfill';
import type { TargetContents } from '../../src/lakehouse/read-targets';
import { byName, emptyInventory, type TableInventory } from '../../src/hive/inventory';

const HIVE = 'projects/my-project/catalogs/h';

function hive(partitions: string[] = []): TableInventory {
  return {
    type: 'MANAGED_TABLE',
    columns: ['id bigint'],
    partitionKeys: partitions.length ? ['dt string'] : [],
    partitions,
  };
}

function expected(tables: Record<string, TableInventory>): ExpectedTable[] {
  return Object.entries(tables).map(([table, source]) => ({
    kind: 'HIVE',
    catalog: HIVE,
    database: 'db',
    table,
    source,
  }));
}

describe('compareBackfill', () => {
  it('finds the report under a catalog named by project number (R4), through its catalogType', () => {
    const tables = expected({ gone: hive(), there: hive(['dt=1', 'dt=2']) });
    const target: TargetContents = new Map([[HIVE, new Map([['db', new Map([['there', { partitions: 1 }]])]])]]);
    const report = {
      catalogReports: [
        {
          catalog: 'projects/123456789/catalogs/h',
          catalogType: 'HIVE' as const,
          databaseReports: {
            db: {
              tableReports: {
                gone: { executionResult: { state: 'FAILED' as const, errorMessage: 'no access to gs://x' } },
                there: {
                  executionResult: { state: 'SUCCEEDED' as const },
                  partitionReport: {
                    state: 'PARTIALLY_SUCCEEDED' as const,
                    partitionSuccessCount: 1,
                    partitionFailedCount: 1,
                  },
                },
              },
            },
          },
        },
      ],
    };
    const result = compareBackfill(tables, target, report);
    assert.equal(result.ok, true, JSON.stringify(result.differences));
    assert.deepEqual(result.notMigrated?.tables, [
      { name: 'db.gone', catalog: HIVE, result: 'FAILED', message: 'no access to gs://x' },
    ]);
    // Without the report the same target is a missing table and a short one.
    const blind = compareBackfill(tables, target, undefined);
    assert.deepEqual(
      blind.differences.map((d) => [d.problem, d.name, d.detail]),
      [
        ['missing', 'db.gone', `not in ${HIVE}`],
        ['differs', 'db.there', `partitions: 2 in DPMS, 1 in ${HIVE}`],
      ],
    );
  });

  it('caps what it names and keeps exact totals', () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`t${String(i).padStart(2, '0')}`, hive()]));
    const result = compareBackfill(expected(many), new Map(), undefined, { cap: 10 });
    // The database once, then every table.
    assert.equal(result.totals.missing, 31);
    assert.equal(result.differences.length, 10);
    assert.equal(result.truncated, true);
  });

  it('scopes by R1: Hive tables to the Hive catalog, Iceberg tables to the Iceberg one, "*" = every database', () => {
    const source = emptyInventory();
    source.databases.a = byName();
    source.databases.a.h = hive();
    source.databases.a.i = { ...hive(), parameters: { table_type: 'iceberg', metadata_location: 'gs://m' } };
    source.databases.b = byName();
    source.databases.b.h = hive();
    const scoped = expectedTables(source, {
      hive: { catalog: HIVE, databases: ['a'] },
      iceberg: { catalog: 'projects/p/catalogs/i', namespaces: ['*'] },
    });
    assert.deepEqual(
      scoped.map((t) => [t.kind, t.database, t.table]),
      [
        ['HIVE', 'a', 'h'],
        ['ICEBERG', 'a', 'i'],
      ],
    );
  });
});
