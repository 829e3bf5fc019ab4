// What every activity that reaches the source is given: the config, and options.sourceTls (the CA by reference;
// the activity resolves it where it resolves the passwords, within the worker's secret policy). It is an activity
// argument, not a command, so runs older than the option replay unchanged: theirs has none, and the worker then
// requires TLS unless its own environment opts out.
import type { MigrationExecutionRequest, MigrationRequest, SourceTlsOption } from '../schemas';

export interface SourceArgs {
  migrationExecution: MigrationExecutionRequest;
  sourceTls?: SourceTlsOption;
}

export function sourceArgs(request: MigrationRequest): SourceArgs {
  const { sourceTls } = request.options;
  return { migrationExecution: request.migrationExecution, ...(sourceTls && { sourceTls }) };
}
