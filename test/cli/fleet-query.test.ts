// The fleet views' visibility query: scoped to the deployment's task queue (quoted as a Keyword value), or to the
// whole namespace where conflicts are looked for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrationsQuery } from '../../src/migration/fleet-query';

describe('migrationsQuery', () => {
  it('scopes to the task queue, then the clauses', () => {
    assert.equal(
      migrationsQuery('metastore-migration', `ExecutionStatus = 'Running'`),
      `WorkflowType = 'managedMigration' AND TaskQueue = "metastore-migration" AND ExecutionStatus = 'Running'`,
    );
  });

  it('quotes a queue name that holds a quote or a backslash', () => {
    assert.equal(
      migrationsQuery('team "a"\\b'),
      `WorkflowType = 'managedMigration' AND TaskQueue = "team \\"a\\"\\\\b"`,
    );
  });

  it('lists the whole namespace without a queue', () => {
    assert.equal(migrationsQuery(undefined), `WorkflowType = 'managedMigration'`);
  });
});
