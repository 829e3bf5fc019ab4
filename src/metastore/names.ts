// Resource names of the Metastore API: build and take apart, never by ad-hoc string slicing elsewhere.
import { MIGRATION_EXECUTION_NAME, OPERATION_NAME, SERVICE_NAME } from '../schemas';

export interface ServiceName {
  project: string;
  location: string;
  service: string;
}

export function parseServiceName(name: string): ServiceName {
  if (!SERVICE_NAME.test(name)) throw new Error(`not a service name: ${name}`);
  const [, project, , location, , service] = name.split('/') as [string, string, string, string, string, string];
  return { project, location, service };
}

export function serviceName(parts: ServiceName): string {
  return `projects/${parts.project}/locations/${parts.location}/services/${parts.service}`;
}

/** projects/P/locations/L: the parent of operations and services. */
export function locationOf(service: string): string {
  const { project, location } = parseServiceName(service);
  return `projects/${project}/locations/${location}`;
}

export function migrationExecutionName(service: string, id: string): string {
  return `${service}/migrationExecutions/${id}`;
}

/** The service a migration execution belongs to. */
export function serviceOfExecution(execution: string): string {
  if (!MIGRATION_EXECUTION_NAME.test(execution)) throw new Error(`not a migration execution name: ${execution}`);
  return execution.split('/migrationExecutions/')[0] as string;
}

export function isOperationName(name: string): boolean {
  return OPERATION_NAME.test(name);
}
