// Every zod schema and the types inferred from them. Imports nothing but zod, so the workflow bundle may use it.
export * from './api';
export * from './field-rules';
export * from './request';
export * from './resource-names';
