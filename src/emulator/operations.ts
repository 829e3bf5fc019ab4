// Long-running operations: records, naming, and the JSON rendering (google.longrunning.Operation).
import { randomBytes } from 'node:crypto';
import type { ApiVersion, Operation, RpcStatusName, Status } from '../schemas/api';
import { notFound, rpcStatus } from './errors';
import { iso, locationOf } from './store';

/** An Operation.response payload; `type` is a metastore message name or a fully qualified proto name. */
export interface OperationResponse {
  type: string;
  value: Record<string, unknown>;
}

export interface OperationRecord {
  name: string;
  apiVersion: ApiVersion;
  createTime: number;
  endTime?: number;
  target: string;
  verb: string;
  /** OperationMetadata.statusMessage: what the operation is doing, then how it ended. */
  statusMessage?: string;
  /** Set by operations.cancel (best effort: the operation may still finish normally). */
  requestedCancellation?: boolean;
  /** Resource names whose fate decides this operation (a failed or removed one ends it early). */
  links: string[];
  done: boolean;
  error?: Status;
  response?: OperationResponse;
  seq: number;
}

export interface NewOperation {
  target: string;
  verb: string;
  apiVersion: ApiVersion;
  statusMessage?: string;
  links?: string[];
}

export class OperationStore {
  private readonly ops = new Map<string, OperationRecord>();
  private seq = 0;

  constructor(private readonly now: () => number) {}

  start({ target, verb, apiVersion, statusMessage, links = [target] }: NewOperation): OperationRecord {
    const createTime = this.now();
    const id = `operation-${createTime}-${randomBytes(8).toString('hex')}`;
    const name = `${locationOf(target)}/operations/${id}`;
    const op: OperationRecord = { name, apiVersion, createTime, target, verb, links, done: false, seq: this.seq++ };
    if (statusMessage !== undefined) op.statusMessage = statusMessage;
    this.ops.set(name, op);
    return op;
  }

  /** Ends `op` (if it still exists and runs) with a response; a deleted operation's work still happens. */
  succeed(op: OperationRecord | string, at: number, response: OperationResponse): void {
    const record = this.running(op);
    if (record) Object.assign(record, { done: true, endTime: at, response, statusMessage: 'Done.' });
  }

  fail(op: OperationRecord | string, at: number, status: RpcStatusName, message: string): void {
    const record = this.running(op);
    if (record)
      Object.assign(record, { done: true, endTime: at, error: rpcStatus(status, message), statusMessage: message });
  }

  /** True when the operation exists and is done (cancelled or failed early); a deleted one is not ended. */
  ended(name: string): boolean {
    return this.ops.get(name)?.done === true;
  }

  /** The record if it exists and is not done yet. */
  running(op: OperationRecord | string): OperationRecord | undefined {
    const record = typeof op === 'string' ? this.ops.get(op) : op;
    return record && !record.done ? record : undefined;
  }

  /** Ends every unfinished operation linked to a resource matching `linked`, with an error. */
  failPending(linked: (name: string) => boolean, at: number, status: RpcStatusName, message: string): void {
    for (const op of this.ops.values()) {
      if (!op.done && op.links.some(linked)) this.fail(op, at, status, message);
    }
  }

  get(name: string): OperationRecord {
    const op = this.ops.get(name);
    if (!op) throw notFound('Operation', name);
    return op;
  }

  find(name: string): OperationRecord | undefined {
    return this.ops.get(name);
  }

  list(location: string): OperationRecord[] {
    return [...this.ops.values()].filter((op) => locationOf(op.name) === location).sort((a, b) => a.seq - b.seq);
  }

  delete(name: string): void {
    this.get(name);
    this.ops.delete(name);
  }

  /** Every record and the sequence counter, for the state file. */
  dump(): { records: OperationRecord[]; seq: number } {
    return { records: structuredClone([...this.ops.values()]), seq: this.seq };
  }

  restore({ records, seq }: { records: readonly OperationRecord[]; seq: number }): void {
    for (const op of records) this.ops.set(op.name, structuredClone(op));
    this.seq = Math.max(this.seq, seq);
  }
}

export function typeUrl(type: string, version: ApiVersion): string {
  const qualified = type.includes('.') ? type : `google.cloud.metastore.${version}.${type}`;
  return `type.googleapis.com/${qualified}`;
}

/** The Operation as served by `version` (the @type URLs follow the API version being called). */
export function renderOperation(op: OperationRecord, version: ApiVersion): Operation {
  const metadata = {
    '@type': typeUrl('OperationMetadata', version),
    createTime: iso(op.createTime),
    ...(op.endTime !== undefined ? { endTime: iso(op.endTime) } : {}),
    target: op.target,
    verb: op.verb,
    ...(op.statusMessage !== undefined ? { statusMessage: op.statusMessage } : {}),
    requestedCancellation: op.requestedCancellation === true,
    apiVersion: op.apiVersion,
  };
  const outcome = op.error
    ? { error: { ...op.error } }
    : op.response
      ? { response: { '@type': typeUrl(op.response.type, version), ...structuredClone(op.response.value) } }
      : {};
  return { name: op.name, done: op.done, metadata, ...outcome };
}
