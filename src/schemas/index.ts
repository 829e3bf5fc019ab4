// Every zod schema and the types inferred from them. Workflow code imports only types from here, and its values
// from the zod-free modules (vocabulary, resource-names, ipv4): the sandbox evaluates a workflow's modules once per
// cached workflow, and zod with our schemas is megabytes of heap each time.
export * from './api';
export * from './biglake-config';
export * from './field-rules';
export * from './ipv4';
export * from './migration-summary';
export * from './request';
export * from './resource-name-schemas';
export * from './resource-names';
export * from './lakehouse-catalogs';
