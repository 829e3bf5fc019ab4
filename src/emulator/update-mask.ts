// services.patch field-mask semantics (AIP-134): only the listed paths change; a listed path with no value
// in the body is cleared. JSON clients send camelCase paths; snake_case is accepted too, as Google's front
// ends do. Pure functions over Service values.
import type { Service } from '../schemas/api';
import { invalidArgument } from './errors';

type Access = 'mutable' | 'immutable' | 'output';

const FIELDS: Record<string, Access> = {
  labels: 'mutable',
  tier: 'mutable',
  port: 'mutable',
  deletionProtection: 'mutable',
  scheduledBackup: 'mutable',
  'scheduledBackup.enabled': 'mutable',
  'scheduledBackup.cronSchedule': 'mutable',
  'scheduledBackup.timeZone': 'mutable',
  'scheduledBackup.backupLocation': 'mutable',
  'scheduledBackup.nextScheduledTime': 'output',
  'scheduledBackup.latestBackup': 'output',
  'hiveMetastoreConfig.configOverrides': 'mutable',
  // The whole sub-message holds the immutable version, so it cannot be replaced wholesale.
  hiveMetastoreConfig: 'immutable',
  'hiveMetastoreConfig.version': 'immutable',
  databaseType: 'immutable',
  releaseChannel: 'immutable',
  network: 'immutable',
  name: 'immutable',
  uid: 'output',
  createTime: 'output',
  updateTime: 'output',
  state: 'output',
  stateMessage: 'output',
  endpointUri: 'output',
  artifactGcsUri: 'output',
};

const toCamel = (segment: string) => segment.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** Parses `updateMask` into camelCase paths; missing, unknown, immutable or output-only paths are refused. */
export function parseUpdateMask(raw: string | undefined): string[] {
  const given = (raw ?? '')
    .split(',')
    .map((path) => path.trim())
    .filter((path) => path !== '');
  if (given.length === 0) throw invalidArgument('updateMask is required: name the Service fields to change.');
  return given.map((path) => {
    const normalised = path.split('.').map(toCamel).join('.');
    const access = FIELDS[normalised];
    const field = { field: 'updateMask', description: `invalid path "${path}"` };
    if (access === undefined) {
      throw invalidArgument(`updateMask path "${path}" is not a field of Service.`, 'INVALID_UPDATE_MASK', [field]);
    }
    if (access !== 'mutable') {
      const what = access === 'output' ? 'output only' : 'immutable';
      throw invalidArgument(`updateMask path "${path}": the field is ${what}.`, 'INVALID_UPDATE_MASK', [field]);
    }
    return normalised;
  });
}

/** A copy of `current` with each masked path taken from `patch` (or cleared when `patch` has no value there). */
export function applyUpdateMask(current: Service, patch: Partial<Service>, paths: readonly string[]): Service {
  const next = structuredClone(current) as Record<string, unknown>;
  for (const path of paths) {
    const value = getPath(patch, path);
    setPath(next, path, value === undefined ? undefined : structuredClone(value));
  }
  const service = next as Service;
  // Output-only members survive a wholesale scheduledBackup replacement.
  if (paths.includes('scheduledBackup') && current.scheduledBackup) {
    const { nextScheduledTime, latestBackup } = current.scheduledBackup;
    service.scheduledBackup = { ...service.scheduledBackup, nextScheduledTime, latestBackup };
    if (nextScheduledTime === undefined) delete service.scheduledBackup.nextScheduledTime;
    if (latestBackup === undefined) delete service.scheduledBackup.latestBackup;
  }
  return service;
}

/** Rules that hold for the merged result: enabling scheduled backups needs a cron schedule. */
export function validateUpdatedService(service: Service): void {
  const backup = service.scheduledBackup;
  if (backup?.enabled && !backup.cronSchedule) {
    throw invalidArgument(
      'scheduledBackup.cronSchedule: must be specified to enable scheduled backups.',
      'INVALID_ARGUMENT',
      [{ field: 'scheduledBackup.cronSchedule', description: 'must be specified to enable scheduled backups' }],
    );
  }
  if (backup?.cronSchedule && backup.cronSchedule.trim().split(/\s+/).length !== 5) {
    throw invalidArgument(
      'scheduledBackup.cronSchedule: must be a cron expression with 5 fields.',
      'INVALID_ARGUMENT',
      [{ field: 'scheduledBackup.cronSchedule', description: 'must be a cron expression with 5 fields' }],
    );
  }
  if (backup?.backupLocation && !backup.backupLocation.startsWith('gs://')) {
    throw invalidArgument('scheduledBackup.backupLocation: must be a gs:// URI.', 'INVALID_ARGUMENT', [
      { field: 'scheduledBackup.backupLocation', description: 'must be a gs:// URI' },
    ]);
  }
}

function getPath(source: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), source);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    const child = node[key];
    if (!isObject(child)) {
      if (value === undefined) return; // clearing inside an absent message: nothing to do
      node[key] = {};
    }
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) delete node[last];
  else node[last] = value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
