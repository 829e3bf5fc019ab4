// The import rules of src/, run by `npm run lint`: no import circles, and layers that point one way —
//   entry points (worker.ts, client.ts, codec/main.ts, emulator/main.ts)
//   → cli/, runtime/
//   → workflows/, activities/
//   → metastore/, lakehouse/, hive/, source/, schemas/, secrets/, plan/, rollout/, codec/, config/, metrics/
//   → migration/ (the domain: pure, imports nothing outside itself)
// The emulator is Google's stand-in: it shares the contract (schemas/) and the domain, never the client side.
// Type-only imports count for circles: a circle of types is still a circle a reader has to untangle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: move what both sides need into a module both import (often src/migration/).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'migration-is-pure',
      severity: 'error',
      comment: 'src/migration/ is the domain: no Temporal, no zod, no Node, nothing of the layers above.',
      from: { path: '^src/migration/' },
      to: { pathNot: '^src/migration/' },
    },
    {
      name: 'workflows-import-no-activity-values',
      severity: 'error',
      comment: 'Workflow code gets activities through proxyActivities: their types only (import type).',
      from: { path: '^src/workflows/' },
      to: { path: '^src/activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-are-deterministic',
      severity: 'error',
      comment: 'Workflow code is replayed: no I/O modules, no Node builtins, no HTTP or database clients.',
      from: { path: '^src/workflows/' },
      to: {
        path: [
          '^src/(metastore|lakehouse|source|secrets|codec|config|runtime|cli|emulator|metrics)/',
          '^src/hive/(gen/|metastore-client|read-inventory|inventory-store)',
          '(^|/)node_modules/(gaxios|google-auth-library|mysql2|thrift|@google-cloud/storage)/',
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'workflows-use-no-node-builtins',
      severity: 'error',
      from: { path: '^src/workflows/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'activities-import-no-workflows',
      severity: 'error',
      comment: 'Activities are called by workflows, never the other way round; what both need is in src/migration/.',
      from: { path: '^src/activities/' },
      to: { path: '^src/(workflows|runtime|cli|emulator)/' },
    },
    {
      name: 'lower-layers-know-no-temporal-layers',
      severity: 'error',
      comment:
        'The API client, Hive, the source, schemas, secrets … know nothing of workflows, activities or the worker.',
      from: { path: '^src/(metastore|lakehouse|hive|source|schemas|secrets|plan|rollout|codec|config|metrics)/' },
      to: { path: '^src/(workflows|activities|runtime|cli|emulator)/' },
    },
    {
      name: 'metastore-knows-no-temporal',
      severity: 'error',
      comment: 'The REST clients are usable without Temporal (the CLI, the benchmarks, other tools).',
      from: { path: '^src/(metastore|lakehouse)/' },
      to: { path: '(^|/)node_modules/@temporalio/' },
    },
    {
      name: 'emulator-stands-apart',
      severity: 'error',
      comment: 'Only the emulator imports the emulator; it takes the contract from schemas/, never from the client.',
      from: { path: '^src/', pathNot: '^src/emulator/' },
      to: { path: '^src/emulator/' },
    },
    {
      name: 'emulator-uses-no-client-side',
      severity: 'error',
      from: { path: '^src/emulator/' },
      to: { path: '^src/(metastore|lakehouse|activities|workflows|runtime|cli)/' },
    },
    {
      name: 'nothing-imports-entry-points',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/(worker|client)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/hive/gen/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
