import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HiveInventory } from '../../src/hive/inventory';
import { byName, emptyInventory } from '../../src/hive/inventory';
import { reconcile } from '../../src/hive/reconcile';
import { verificationSummary } from '../../src/migration/verification';

function inventory(): HiveInventory {
  return {
    databases: {
      sales: {
        orders: {
          type: 'MANAGED_TABLE',
          columns: ['id bigint', 'c string'],
          partitionKeys: ['ds string'],
          partitions: ['ds=1', 'ds=2', 'ds=3'],
        },
        customers: { type: 'EXTERNAL_TABLE', columns: ['id bigint'], partitionKeys: [], partitions: [] },
      },
      web: {
        clicks: { type: 'MANAGED_TABLE', columns: ['u string'], partitionKeys: ['dt string'], partitions: ['dt=a'] },
      },
    },
    functions: ['sales.mask', 'web.geo'],
  };
}

describe('reconcile', () => {
  it('reports equal inventories as ok, with the counts of both sides', () => {
    const report = reconcile(inventory(), inventory(), { at: '2026-12-01T00:00:00.000Z' });
    assert.equal(report.ok, true);
    assert.deepEqual(report.totals, { missing: 0, extra: 0, differing: 0 });
    assert.deepEqual(report.source, { databases: 2, tables: 3, partitions: 4, columns: 4, functions: 2 });
    assert.deepEqual(report.dpms, report.source);
    assert.match(verificationSummary(report), /^verified: .*2\/3\/4\/2 .* in the source, 2\/3\/4\/2 in DPMS/);
  });

  it('names missing, extra and differing objects of every kind', () => {
    const dpms = inventory();
    const sales = dpms.databases.sales!;
    delete sales.customers;
    sales.orders!.partitions = ['ds=1', 'ds=3', 'ds=4'];
    sales.orders!.type = 'EXTERNAL_TABLE';
    sales.orders!.columns = ['id bigint'];
    delete dpms.databases.web;
    dpms.databases.extra = {};
    dpms.functions = ['sales.mask'];
    const report = reconcile(inventory(), dpms);
    assert.equal(report.ok, false);
    const names = report.differences.map((d) => `${d.problem} ${d.kind} ${d.name}`);
    assert.deepEqual(names, [
      'extra database extra',
      'missing table sales.customers',
      'differs table sales.orders',
      'missing partition sales.orders/ds=2',
      'extra partition sales.orders/ds=4',
      'missing database web',
      'missing table web.clicks',
      'missing partition web.clicks/dt=a',
      'missing function web.geo',
    ]);
    const orders = report.differences.find((d) => d.name === 'sales.orders');
    assert.equal(
      orders?.detail,
      'type MANAGED_TABLE in the source, EXTERNAL_TABLE in DPMS; columns missing in DPMS: c string',
    );
    assert.deepEqual(report.totals, { missing: 6, extra: 2, differing: 1 });
    assert.match(verificationSummary(report), /^MISMATCH: 6 missing, 2 extra, 1 differing/);
  });

  it('compares objects named __proto__ and constructor like any other', () => {
    // Built as the readers build them (name maps without a prototype), and as the store loads them (JSON).
    const table = { type: 'MANAGED_TABLE', columns: ['id bigint'], partitionKeys: [], partitions: [] };
    const source = emptyInventory();
    source.databases['__proto__'] = byName();
    source.databases['sales'] = byName();
    source.databases['sales']['__proto__'] = table;
    source.databases['sales']['constructor'] = table;
    const dpms = JSON.parse(JSON.stringify({ databases: { sales: {} }, functions: [] })) as HiveInventory;
    const report = reconcile(source, dpms);
    assert.equal(report.ok, false, 'a missing __proto__ table is not a pass');
    assert.deepEqual(
      report.differences.map((d) => `${d.problem} ${d.kind} ${d.name}`),
      ['missing database __proto__', 'missing table sales.__proto__', 'missing table sales.constructor'],
    );
    assert.deepEqual(report.source, { databases: 2, tables: 2, partitions: 0, columns: 2, functions: 0 });
    // Loaded from the store (JSON), the same names are own entries and compare equal.
    const reloaded = JSON.parse(JSON.stringify(source)) as HiveInventory;
    assert.equal(reconcile(source, reloaded).ok, true);
  });

  it('caps the list but keeps exact totals', () => {
    const source = inventory();
    source.databases.sales!.orders!.partitions = Array.from(
      { length: 500 },
      (_, i) => `ds=${String(i).padStart(3, '0')}`,
    );
    const dpms = inventory();
    dpms.databases.sales!.orders!.partitions = [];
    const report = reconcile(source, dpms, { cap: 10 });
    assert.equal(report.differences.length, 10);
    assert.equal(report.truncated, true);
    assert.equal(report.totals.missing, 500);
    assert.equal(report.differences[0]?.name, 'sales.orders/ds=000');
  });

  it('tells a changed column order from missing columns', () => {
    const dpms = inventory();
    dpms.databases.sales!.orders!.columns = ['c string', 'id bigint'];
    const report = reconcile(inventory(), dpms);
    assert.equal(report.differences[0]?.detail, 'column order differs');
  });
});
