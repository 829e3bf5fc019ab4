// Running rollouts by state and their members by wave and stage, read from Temporal now and then (as the fleet
// gauges, src/runtime/fleet-gauges.ts) and exported beside the migrator's other metrics. Nothing is asked of the
// rollouts per member poll and nothing is written to any history: one listing of running rollouts, a status query
// each (rollouts are few; the rollout upserts no search attribute of its own), and one listing of each rollout's
// members by RolloutId — visibility's count has no GROUP BY on custom attributes (only ExecutionStatus), so the
// members are grouped here from their RolloutWave and MigrationStage.
import { taskQueueClause } from '../migration/fleet-query';
import type { MetricMeter, Payload, PayloadCodec } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { METRICS } from '../metrics/migrator-metrics';
import { WORKFLOW_TYPE } from '../migration/names';
import { ROLLOUT_WORKFLOW_TYPE, type RolloutStatus } from '../workflows/rollout/messages';

export interface RolloutGaugeOptions {
  connection: NativeConnection;
  namespace: string;
  /** This deployment's task queue: its rollouts only (their members are found by RolloutId, unique in the namespace). */
  taskQueue?: string;
  meter: MetricMeter;
  /** The worker's payload codecs: a rollout's status query answers through them (encrypted when keys are set). */
  payloadCodecs?: readonly PayloadCodec[];
  intervalMs?: number;
}

/** What the rollout gauge's `state` label says: the rollout is paused, waits for an approval, or is under way. */
export type RolloutGaugeState = 'paused' | 'waiting-approval' | 'running';
export const ROLLOUT_GAUGE_STATES: readonly RolloutGaugeState[] = ['running', 'paused', 'waiting-approval'];

/** Paused first: a paused rollout at its approval gate waits for a resume before any approval counts. */
export function rolloutGaugeState(status: Pick<RolloutStatus, 'paused' | 'gate'>): RolloutGaugeState {
  if (status.paused) return 'paused';
  if (status.gate === 'approval') return 'waiting-approval';
  return 'running';
}

export interface MemberAttributes {
  wave?: number;
  stage?: string;
}

/** Members by `wave|stage` (a member not yet published either: `unknown`), for one rollout. */
export function countMembers(
  members: readonly MemberAttributes[],
): Map<string, { wave: string; stage: string; n: number }> {
  const counts = new Map<string, { wave: string; stage: string; n: number }>();
  for (const member of members) {
    const wave = member.wave === undefined ? 'unknown' : String(member.wave);
    const stage = member.stage ?? 'unknown';
    const key = `${wave}|${stage}`;
    const entry = counts.get(key) ?? { wave, stage, n: 0 };
    entry.n += 1;
    counts.set(key, entry);
  }
  return counts;
}

/**
 * A gauge whose label sets may go away (a rollout ends, a wave's members all move on): the SDK's gauges cannot
 * drop a series, so one no longer counted is set to 0 rather than left at its last value.
 */
function resettingGauge(gauge: ReturnType<MetricMeter['createGauge']>) {
  let previous = new Map<string, Record<string, string>>();
  return (values: readonly { labels: Record<string, string>; n: number }[]) => {
    const now = new Map<string, Record<string, string>>();
    for (const { labels, n } of values) {
      gauge.set(n, labels);
      now.set(JSON.stringify(labels), labels);
    }
    for (const [key, labels] of previous) if (!now.has(key)) gauge.set(0, labels);
    previous = now;
  };
}

const ROLLOUT_ID_PREFIX = 'rollout/';
const PAGE_SIZE = 1000;

export function exportRolloutGauges(options: RolloutGaugeOptions): () => void {
  const { connection, namespace } = options;
  const service = connection.workflowService;
  const rollouts = resettingGauge(
    options.meter.createGauge(
      METRICS.rollouts,
      'int',
      '',
      'Running rollouts, by state: running, paused, waiting-approval',
    ),
  );
  const members = resettingGauge(
    options.meter.createGauge(
      METRICS.rolloutMembers,
      'int',
      '',
      "Running rollouts' members, by rollout, wave and stage",
    ),
  );

  const list = async (query: string) => {
    const found = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await service.listWorkflowExecutions({ namespace, query, pageSize: PAGE_SIZE, nextPageToken });
      found.push(...(page.executions ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return found;
  };
  const decode = async (payload: Payload): Promise<unknown> => {
    let payloads = [payload];
    for (const codec of [...(options.payloadCodecs ?? [])].reverse()) payloads = await codec.decode(payloads);
    return defaultPayloadConverter.fromPayload(payloads[0]!);
  };
  const attribute = (fields: Record<string, Payload> | null | undefined, name: string): unknown => {
    const payload = fields?.[name];
    if (!payload) return undefined;
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    // A Keyword upserted as a list by older SDKs comes back as one.
    return Array.isArray(value) ? value[0] : value;
  };

  // Everything is read first and set together, so a scrape never mixes two rounds.
  // A status query waits for a worker to answer: a round still waiting is not overlapped by the next.
  let busy = false;
  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      const running = await list(
        [
          `WorkflowType = '${ROLLOUT_WORKFLOW_TYPE}'`,
          ...taskQueueClause(options.taskQueue),
          `ExecutionStatus = 'Running'`,
        ].join(' AND '),
      );
      const byState = new Map<RolloutGaugeState, number>(ROLLOUT_GAUGE_STATES.map((state) => [state, 0]));
      const memberValues: { labels: Record<string, string>; n: number }[] = [];
      for (const execution of running) {
        const workflowId = execution.execution?.workflowId ?? '';
        if (!workflowId.startsWith(ROLLOUT_ID_PREFIX)) continue;
        const name = workflowId.slice(ROLLOUT_ID_PREFIX.length);
        const answer = await service.queryWorkflow({
          namespace,
          execution: { workflowId },
          query: { queryType: 'status' },
        });
        const payload = answer.queryResult?.payloads?.[0];
        if (payload) {
          const state = rolloutGaugeState((await decode(payload as Payload)) as RolloutStatus);
          byState.set(state, (byState.get(state) ?? 0) + 1);
        }
        const quoted = name.replace(/["\\]/g, (c) => `\\${c}`);
        const listed = await list(`WorkflowType = '${WORKFLOW_TYPE}' AND RolloutId = "${quoted}"`);
        const attributes = listed.map((member): MemberAttributes => {
          const fields = member.searchAttributes?.indexedFields as Record<string, Payload> | null | undefined;
          const wave = attribute(fields, 'RolloutWave');
          const stage = attribute(fields, 'MigrationStage');
          return {
            ...(typeof wave === 'number' && { wave }),
            ...(typeof stage === 'string' && { stage }),
          };
        });
        for (const { wave, stage, n } of countMembers(attributes).values())
          memberValues.push({ labels: { rollout: name, wave, stage }, n });
      }
      rollouts([...byState].map(([state, n]) => ({ labels: { state }, n })));
      members(memberValues);
    } catch {
      // Keep the last figures: a visibility hiccup or a rollout's worker restarting is not a fleet that emptied.
    } finally {
      busy = false;
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
