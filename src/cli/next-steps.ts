// What to run next, printed after a command so an engineer never has to guess: the commands that follow a
// start, the Web UI link to the workflow, and the command that gets past a refusal.

const CLI = 'metastore-migrator';

/** The workflow's page in the Temporal Web UI, shaped as the UI (and Temporal Cloud's) routes are. */
export function workflowUiLink(uiUrl: string, namespace: string, workflowId: string): string {
  const base = uiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

export interface NextSteps {
  commands: { command: string; why: string }[];
  webUi?: string;
}

/**
 * What a start is followed by, per kind: the incoming kind (and an INCREMENTAL_SYNC) waits for a cutover decision;
 * an outgoing BACKFILL ends by itself and then holds a rollback window.
 */
export type StartedAs = 'cutover' | 'backfill';

/** After `start`: follow it, then decide (cutover, or a rollback); and the Web UI when its address is known. */
export function afterStart(service: string, webUi: string | undefined, startedAs: StartedAs = 'cutover'): NextSteps {
  const commands =
    startedAs === 'backfill'
      ? [
          { command: `${CLI} watch --service ${service}`, why: 'follow it live (the backfill ends by itself)' },
          { command: `${CLI} status --service ${service}`, why: 'the outcome, the report and the verification' },
          { command: `${CLI} rollback --service ${service}`, why: 'back to DPMS, while the rollback window is open' },
        ]
      : [
          { command: `${CLI} watch --service ${service}`, why: 'follow it live (replication runs until you decide)' },
          { command: `${CLI} complete --service ${service} --dry-run`, why: 'the cutover checks, deciding nothing' },
          { command: `${CLI} complete --service ${service}`, why: 'cut over once they pass (cannot be undone)' },
        ];
  return { commands, ...(webUi && { webUi }) };
}

export function formatNextSteps(next: NextSteps): string {
  const width = Math.max(...next.commands.map((c) => c.command.length));
  const lines = ['next:', ...next.commands.map((c) => `  ${c.command.padEnd(width)}  # ${c.why}`)];
  if (next.webUi) lines.push(`Web UI: ${next.webUi}`);
  return lines.join('\n');
}

/** The service a workflow id names (migration/SERVICE), for the commands a refusal suggests. */
export function serviceOf(workflowId: string | undefined): string {
  return workflowId?.replace(/^migration\//, '') ?? 'projects/P/locations/L/services/S';
}

/** The next step after a refusal of a workflow that exists (AlreadyRunning) or does not (NotFound, Ended). */
export const refusalStep = {
  alreadyRunning: (workflowId: string) =>
    `see '${CLI} status --service ${serviceOf(workflowId)}', or end it first with 'cancel' or 'complete'`,
  ended: (workflowId: string | undefined) =>
    `see '${CLI} status --service ${serviceOf(workflowId)}' (its result: 'wait'); 'start' begins a new one`,
  notFound: (workflowId: string | undefined) =>
    `start one with '${CLI} start --service ${serviceOf(workflowId)} --config FILE' ('list-workflows --all' lists them)`,
};
