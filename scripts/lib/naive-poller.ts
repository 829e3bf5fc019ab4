// The baseline the fleet benchmark compares against: what users script today, one loop per migration —
// `gcloud … migrations start` (which waits for the operation), then `while true; describe; sleep 60; done`.
// No prechecks, no backups, no budget, no durability: just the reads.
import { randomUUID } from 'node:crypto';
import { validStartRequest } from '../../test/helpers/emulator';

const OPERATION_POLL_MS = 5000; // gcloud's wait for an operation polls at about this pace

export class NaivePoller {
  execution?: string;
  replicatingAt?: number;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly emulatorUrl: string,
    readonly service: string,
    private readonly intervalMs: number,
  ) {}

  /** Starts the migration, waits for its operation like gcloud, then describes it every interval. */
  async start(): Promise<void> {
    const body = { ...validStartRequest(), requestId: randomUUID() };
    let operation = await this.request('POST', `${this.service}:startMigration`, body);
    while (!operation.done) {
      await new Promise((resolve) => setTimeout(resolve, OPERATION_POLL_MS));
      operation = await this.request('GET', operation.name);
    }
    this.execution = operation.response?.name;
    this.replicatingAt = Date.now();
    this.schedule();
  }

  complete(): Promise<unknown> {
    return this.request('POST', `${this.service}:completeMigration`, {});
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped || !this.execution) return;
    this.timer = setTimeout(async () => {
      const execution = await this.request('GET', this.execution!).catch(() => undefined);
      if (!['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(execution?.state)) this.schedule();
    }, this.intervalMs);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the baseline reads responses as loosely as a shell script
  private async request(method: string, path: string, body?: unknown): Promise<any> {
    const response = await fetch(`${this.emulatorUrl}/v1/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
    return json;
  }
}
