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
  links?: string[];
}

export class OperationStore {
  private readonly ops = new Map<string, OperationRecord>();
  private seq = 0;

  constructor(private readonly now: () => number) {}

  start({ target, verb, apiVersion, links = [target] }: NewOperation): OperationRecord {
    const createTime = this.now();
    const id = `operation-${createTime}-${randomBytes(8).toString('hex')}`;
    const name = `${locationOf(target)}/operations/${id}`;
    const op: OperationRecord = { name, apiVersion, createTime, target, verb, links, done: false, seq: this.seq++ };
    this.ops.set(name, op);
    return op;
  }

  succeed(op: OperationRecord, at: number, response: OperationResponse): void {
    if (op.done) return;
    Object.assign(op, { done: true, endTime: at, response });
  }

  fail(op: OperationRecord, at: number, status: RpcStatusName, message: string): void {
    if (op.done) return;
    Object.assign(op, { done: true, endTime: at, error: rpcStatus(status, message) });
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
    requestedCancellation: false,
    apiVersion: op.apiVersion,
  };
  const outcome = op.error
    ? { error: { ...op.error } }
    : op.response
      ? { response: { '@type': typeUrl(op.response.type, version), ...structuredClone(op.response.value) } }
      : {};
  return { name: op.name, done: op.done, metadata, ...outcome };
}
