// Reads the MigrationReport the service wrote at backfillStatus.reportPath (a gs://bucket/object) with Google's own
// Cloud Storage client, as a user would: ADC against Google, or the emulator's Cloud Storage stand-in (apiEndpoint,
// which makes the client send no credentials at all). The object is parsed with MigrationReportSchema
// (forward-compatible: unknown fields dropped, newer enum values kept).
import { Storage } from '@google-cloud/storage';
import type { MigrationReport } from '../migration/migration-summary';
import { MigrationReportSchema } from '../schemas/migration-summary';
import { BackfillReportError } from './errors';

/** A report larger than this is refused rather than held in an activity's memory. */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

export interface ReportStorageOptions {
  /** host:port of the emulator (METASTORE_EMULATOR_HOST); absent = Google with Application Default Credentials. */
  emulatorHost?: string;
  timeoutMs?: number;
}

export function createReportStorage({ emulatorHost, timeoutMs = 30_000 }: ReportStorageOptions = {}): Storage {
  // The activity's retry policy is the one retry loop: the client's own retries would hide a failure for minutes.
  const common = { retryOptions: { autoRetry: false }, timeout: timeoutMs };
  if (emulatorHost) {
    // A custom apiEndpoint sends no credentials (useAuthWithCustomEndpoint stays false): nothing of the worker's
    // identity reaches the emulator. The project id only keeps the client from looking one up.
    return new Storage({ ...common, apiEndpoint: `http://${emulatorHost}`, projectId: 'emulator' });
  }
  return new Storage(common);
}

/** gs://bucket/object → its parts; undefined for anything else (a folder, another scheme). */
export function parseGcsObject(uri: string): { bucket: string; object: string } | undefined {
  const match = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])\/(.+)$/.exec(uri);
  if (!match || match[2]!.endsWith('/')) return undefined;
  return { bucket: match[1]!, object: match[2]! };
}

export async function readMigrationReport(storage: Storage, reportPath: string | undefined): Promise<MigrationReport> {
  const where = reportPath ? parseGcsObject(reportPath) : undefined;
  if (!reportPath || !where) {
    const why = reportPath ? `'${reportPath}' is not a gs://bucket/object path` : 'backfillStatus has no reportPath';
    throw new BackfillReportError('no-report-path', reportPath, `no report to read: ${why}`);
  }
  const file = storage.bucket(where.bucket).file(where.object);
  let bytes: Buffer;
  try {
    const [metadata] = await file.getMetadata();
    if (Number(metadata.size ?? 0) > MAX_REPORT_BYTES) {
      throw new BackfillReportError(
        'malformed',
        reportPath,
        `the report ${reportPath} is ${metadata.size} bytes, more than the ${MAX_REPORT_BYTES} this worker reads`,
      );
    }
    [bytes] = await file.download();
  } catch (err) {
    if (err instanceof BackfillReportError) throw err;
    throw storageError(err, reportPath);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BackfillReportError('malformed', reportPath, `the report ${reportPath} is not JSON`);
  }
  const parsed = MigrationReportSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    throw new BackfillReportError(
      'malformed',
      reportPath,
      `the report ${reportPath} is not a MigrationReport: ${issues.join('; ')}`,
    );
  }
  return parsed.data;
}

/** The client's ApiError (code = HTTP status) or a network error → what the caller can do about it. */
function storageError(err: unknown, reportPath: string): BackfillReportError {
  const code = (err as { code?: unknown }).code;
  const message = (err as { message?: string }).message ?? String(err);
  if (code === 404) return new BackfillReportError('missing', reportPath, `no report at ${reportPath}: ${message}`);
  if (code === 401 || code === 403) {
    return new BackfillReportError('forbidden', reportPath, `the report ${reportPath} may not be read: ${message}`);
  }
  if (typeof code === 'number' && code >= 400 && code < 500 && code !== 408 && code !== 429) {
    return new BackfillReportError(
      'refused',
      reportPath,
      `reading ${reportPath} was refused: HTTP ${code}: ${message}`,
    );
  }
  return new BackfillReportError(
    'unavailable',
    reportPath,
    `the report ${reportPath} could not be read from Cloud Storage: ${typeof code === 'number' ? `HTTP ${code}: ` : ''}${message}`,
  );
}
