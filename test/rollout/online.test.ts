// plan's online reads, bounded and paced: at most READ_CONCURRENCY locations at once, services.list pages within
// half the manifest's per-project budget (the worker's token bucket), every page followed, and an API error
// reported once per location with the API's status and message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { READ_CONCURRENCY, onlineChecks } from '../../src/cli/rollout-online';
import type { OnlineReads } from '../../src/cli/rollout-online';
import { MetastoreApiError } from '../../src/metastore/errors';
import { checkManifestText } from '../../src/rollout/manifest';

/** A rollout of one service in each of `locations` locations of one project, plus two more in the first. */
function rollout(locations: number, apiBudgetPerProject: number) {
  const services = Array.from(
    { length: locations },
    (_, i) => `projects/proj-one/locations/europe-west${i + 1}/services/hms-${i}`,
  );
  services.push('projects/proj-one/locations/europe-west1/services/hms-extra-a');
  services.push('projects/proj-one/locations/europe-west1/services/hms-extra-b');
  const check = checkManifestText(
    stringify({
      apiVersion: 'metastore-migrator/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'paced' },
      template: {
        kind: 'outgoing',
        migrationExecution: {
          biglakeMetastoreMigrationConfig: {
            mode: 'BACKFILL',
            hiveConfig: { catalog: 'projects/corp-lake/catalogs/hive', databases: ['*'] },
          },
        },
      },
      migrations: services.map((service) => ({ service })),
      waves: [{ name: 'all', members: { selector: {} } }],
      policies: { apiBudgetPerProject },
    }),
    'v1',
  );
  assert.ok(check.rollout && check.ok, JSON.stringify(check.problems));
  return { rollout: check.rollout, services };
}

describe("rollout plan's online reads", () => {
  it('reads each location once (every page), at most 4 at a time, within half the budget', async () => {
    const { rollout: r, services } = rollout(16, 10); // 5 req/s for plan; the bucket's burst is 5
    let inFlight = 0;
    let maxInFlight = 0;
    const times: number[] = [];
    const reads: OnlineReads = {
      runningMigrations: async () => [],
      async listServices(parent, page) {
        times.push(Date.now());
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        const here = services.filter((s) => s.startsWith(`${parent}/`));
        // europe-west1 in two pages, to follow nextPageToken.
        if (parent.endsWith('/europe-west1') && page.pageToken === undefined)
          return { services: [{ name: here[0] ?? '', state: 'ACTIVE' }], nextPageToken: 'p2' };
        const rest = parent.endsWith('/europe-west1') ? here.slice(1) : here;
        return { services: rest.map((name) => ({ name, state: 'ACTIVE' })) };
      },
    };
    const report = await onlineChecks(r, reads);
    assert.deepEqual(report.problems, []);
    assert.equal(Object.keys(report.states).length, 18);
    assert.equal(report.requests, 17, '16 locations, one of them two pages');
    assert.equal(report.ratePerSecond, 5);
    assert.ok(maxInFlight <= READ_CONCURRENCY, `${maxInFlight} in flight`);
    // 17 requests at 5 req/s with a burst of 5: the last no sooner than (17 - 5) / 5 s after the first.
    const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
    assert.ok(span >= 2300, `17 reads took ${span} ms: faster than the budget allows`);
  });

  it("reports a location it cannot read once, with the API's status and message", async () => {
    const { rollout: r } = rollout(2, 20);
    const reads: OnlineReads = {
      runningMigrations: async () => [],
      async listServices(parent) {
        if (parent.endsWith('/europe-west1'))
          throw new MetastoreApiError({
            httpStatus: 403,
            status: 'PERMISSION_DENIED',
            message: "Permission 'metastore.services.list' denied",
            method: 'services.list',
            resource: parent,
          });
        return { services: [{ name: `${parent}/services/hms-1`, state: 'ACTIVE' }] };
      },
    };
    const report = await onlineChecks(r, reads);
    assert.deepEqual(
      report.problems.map((p) => [p.code, p.path]),
      [['service-unreadable', 'migrations.0.service']],
    );
    assert.match(
      report.problems[0]?.message ?? '',
      /^cannot read its location: services\.list projects\/proj-one\/locations\/europe-west1: PERMISSION_DENIED \(HTTP 403\): Permission 'metastore\.services\.list' denied \(2 more members there unchecked\)$/,
    );
  });
});
