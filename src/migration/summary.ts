// What the Temporal Web UI shows of a workflow at a glance (its user metadata): a fixed one-line summary given at
// the start, and the migration's current details, kept current by the workflow (served by the
// __temporal_workflow_metadata query, so writing them is no command and needs no patch). Plain words and times,
// never a secret or an API error message (those stay in `status`).
import { membershipText } from './rollout-membership';
import { isTerminalExecution } from './snapshot';
import { attentionOf, type MigrationState } from './state';

/** The words for the kind: the incoming kind's are the listing's since before there were two. */
function kindWords(outgoing: boolean): string {
  return outgoing ? 'DPMS → Lakehouse migration' : 'DPMS migration';
}

/** The start's static summary: which kind and service, in the words of the listing. */
export function migrationSummary(service: string, outgoing = false): string {
  return `${kindWords(outgoing)} · ${shortService(service)}`;
}

/** The start's static details: where to look and act, from the CLI. */
export function migrationStaticDetails(service: string, outgoing = false): string {
  const what = outgoing ? 'Dataproc Metastore → Lakehouse runtime catalog (BigLake)' : 'Cloud SQL for MySQL → Spanner';
  return [
    `Dataproc Metastore managed migration of \`${service}\` (${what}).`,
    '',
    `Follow it with \`metastore-migrator watch --service ${service}\`; decide with \`complete\` or \`cancel\`.`,
  ].join('\n');
}

/** The plan's and verify's summaries: they change nothing, and the listing says so. */
export function planSummary(service: string): string {
  return `plan (prechecks only, changes nothing) · ${shortService(service)}`;
}
/** The outgoing kind's verify compares DPMS with the Lakehouse catalogs: the listing names what it compares. */
export function verifySummary(service: string, outgoing = false): string {
  const against = outgoing ? 'the Lakehouse catalogs' : 'the source';
  return `verify (DPMS against ${against}, changes nothing) · ${shortService(service)}`;
}

/**
 * The current details, in plain words (Temporal renders them as markdown): "DPMS migration · REPLICATION since
 * 2026-12-01 09:05 UTC · execution RUNNING in REPLICATION"; once ended "DPMS migration · CANCELLED · ended …";
 * and whether a person is needed.
 */
export function migrationDetails(state: MigrationState): string {
  const since = state.stageHistory.at(-1)?.at ?? state.startedAt;
  const e = state.execution;
  // A phase is news only while the execution runs; an ended one is said by its state alone.
  const phase = e?.phase && e.phase !== 'PHASE_UNSPECIFIED' && !isTerminalExecution(e.state) ? ` in ${e.phase}` : '';
  const execution = e?.state ? `execution ${e.state}${phase}` : 'no execution yet';
  const where = state.stage === 'DONE' ? `ended ${readable(since)}` : `${state.stage} since ${readable(since)}`;
  const kind = kindWords(state.kind === 'biglakeMetastoreMigrationConfig');
  const lines = [
    state.outcome
      ? `${kind} · ${state.outcome} · ${where} · ${execution}`
      : `${kind} · ${state.stage} since ${readable(since)} · ${execution}`,
  ];
  if (state.rollout) lines.push('', `${capitalised(membershipText(state.rollout))}.`);
  if (state.rollbackWindowEndsAt && state.stage === 'ROLLBACK_WINDOW') {
    lines.push('', `Rollback possible until ${readable(state.rollbackWindowEndsAt)} (\`requestRollback\`).`);
  }
  const attention = attentionOf(state);
  if (attention === 'INCIDENT') lines.push('', 'Needs a person: an API error is unresolved (`status` shows it).');
  if (attention === 'BACKUPS_OFF') lines.push('', 'Needs a person: scheduled backups are still off; turn them on.');
  return lines.join('\n');
}

/** "services/orders (projects/p, us-central1)": the service first, as a person looks for it. */
function shortService(service: string): string {
  const [, project, , location, , id] = service.split('/');
  return id ? `${id} (${project}, ${location})` : service;
}

/** "2026-12-01 09:05 UTC" from an ISO time. */
function readable(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
