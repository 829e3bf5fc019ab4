// The Grafana dashboard must chart what the worker serves: every metastore_migrator_* series its queries name is
// one of METRICS (with the exporter's _total / _bucket suffixes), and every metric has a panel.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { METRICS } from '../../src/metrics/migrator-metrics';

const dashboard = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'examples', 'grafana', 'metastore-migrator-dashboard.json'), 'utf8'),
) as { panels: { title: string; targets: { expr: string }[] }[] };

const queried = new Set(
  dashboard.panels.flatMap((panel) =>
    panel.targets.flatMap((target) => [...target.expr.matchAll(/metastore_migrator_[a-z_]+/g)].map((m) => m[0])),
  ),
);
const counters = new Set<string>([
  METRICS.apiCalls,
  METRICS.decisions,
  METRICS.notifications,
  METRICS.rolloutMembersDriven,
]);
const served = new Set(
  Object.values(METRICS).flatMap((name) =>
    counters.has(name) ? [`${name}_total`] : name === METRICS.apiLatency ? [`${name}_bucket`, name] : [name],
  ),
);

describe('Grafana dashboard', () => {
  it('queries only metrics the worker serves', () => {
    const unknown = [...queried].filter((name) => !served.has(name));
    assert.deepEqual(unknown, []);
  });

  it('charts every metric the worker serves', () => {
    const uncharted = Object.values(METRICS).filter((name) => ![...queried].some((q) => q.startsWith(name)));
    assert.deepEqual(uncharted, []);
  });
});
