// Why the backfill's report could not be had. The Lakehouse catalog APIs fail with the Metastore client's own
// MetastoreApiError / MetastoreContractError (the same google.rpc status vocabulary, the same classification in
// src/activities/failures.ts); only the report, read through the Cloud Storage client, needs a type of its own.

export type ReportProblem =
  /** backfillStatus has no reportPath, or it is not a gs://bucket/object path. */
  | 'no-report-path'
  /** Cloud Storage answered 404: no such bucket or object. */
  | 'missing'
  /** Refused (401/403): the worker's credentials may not read it. */
  | 'forbidden'
  /** Any other 4xx: the request itself is refused, and will be again. */
  | 'refused'
  /** Cloud Storage did not answer, or answered 408/429/5xx: may pass when tried again. */
  | 'unavailable'
  /** Not JSON, or JSON that is not a MigrationReport. */
  | 'malformed';

export class BackfillReportError extends Error {
  override readonly name = 'BackfillReportError';
  constructor(
    readonly problem: ReportProblem,
    readonly reportPath: string | undefined,
    message: string,
  ) {
    super(message);
  }

  /** Only an unavailable Cloud Storage may answer differently later. */
  get transient(): boolean {
    return this.problem === 'unavailable';
  }
}
