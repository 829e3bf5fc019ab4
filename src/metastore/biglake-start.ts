// The outgoing kind's startMigration body, built and checked against the contract (lakehouse reference §A) before
// anything is sent: exactly { migrationExecution: { biglakeMetastoreMigrationConfig }, migrationExecutionId?,
// requestId? }, at the API version it goes to (INCREMENTAL_SYNC only on v1beta/v1alpha). Pure: no I/O.
import { biglakeStartMigrationRequestSchema, formatIssues } from '../schemas';
import type { ApiVersion, BiglakeMetastoreMigrationConfigInput, BiglakeStartMigrationRequest } from '../schemas';
import { MetastoreApiError } from './errors';

export interface BiglakeStartInput {
  config: BiglakeMetastoreMigrationConfigInput;
  migrationExecutionId?: string;
  requestId?: string;
}

/**
 * The body, or a MetastoreApiError INVALID_ARGUMENT (HTTP 0: never sent) naming each wrong field by its path in
 * the body. The config is typed, but it comes from a workflow's history, written by whatever code ran then, so it
 * is checked again: the server would refuse it anyway, after a call the fleet's budget paid for.
 */
export function biglakeStartMigrationBody(
  input: BiglakeStartInput,
  apiVersion: ApiVersion,
  service: string,
): BiglakeStartMigrationRequest {
  const body = {
    migrationExecution: { biglakeMetastoreMigrationConfig: input.config },
    ...(input.migrationExecutionId === undefined ? {} : { migrationExecutionId: input.migrationExecutionId }),
    ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
  };
  const parsed = biglakeStartMigrationRequestSchema(apiVersion).safeParse(body);
  // As it goes on the wire: a field set to undefined is left out, not kept as a key with no value.
  if (parsed.success) return JSON.parse(JSON.stringify(parsed.data)) as BiglakeStartMigrationRequest;
  throw new MetastoreApiError({
    httpStatus: 0,
    status: 'INVALID_ARGUMENT',
    message: `refused before sending: ${formatIssues(parsed.error).split('\n').join('; ')}`,
    method: 'services.startMigration',
    resource: service,
  });
}
