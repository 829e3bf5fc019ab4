// `npm run demo -- --kind outgoing`: the outgoing kind's part of the demo (DPMS → Lakehouse). The demo service's own
// Hive metastore and two Lakehouse catalogs are made through the emulator's admin API, then the real CLI drives
// plan (the dry run) → start → BACKFILL → the rollback window → status → rollback → wait. scripts/demo.ts starts
// and stops the stack; this module only knows what this kind seeds, types and prints.
import type { MigrationStatus } from '../../src/migration/state';

/** The kinds the demo shows; the first is the default (what `npm run demo` has always been). */
export const DEMO_KINDS = ['incoming', 'outgoing'] as const;
export type DemoKind = (typeof DEMO_KINDS)[number];

/** `--kind K` or `--kind=K` from argv; a value that names no kind is an error listing the kinds. */
export function parseKind(argv: string[]): DemoKind {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === '--kind') value = argv[i + 1] ?? '';
    else if (arg.startsWith('--kind=')) value = arg.slice('--kind='.length);
  });
  if (value === undefined) return 'incoming';
  const kind = DEMO_KINDS.find((k) => k === value);
  if (!kind) throw new Error(`--kind: '${value}' is not a kind of migration; the kinds are ${DEMO_KINDS.join(', ')}`);
  return kind;
}

export const HIVE_CATALOG = 'projects/demo-project/catalogs/demo-hive';
export const ICEBERG_CATALOG = 'projects/demo-project/catalogs/demo-iceberg';
/** What the start moves: every seeded database to the Hive catalog, the Iceberg tables' namespaces to the other. */
export const HIVE_DATABASES = ['sales', 'web', 'hr'];
export const ICEBERG_NAMESPACES = ['sales', 'web'];
/** Long enough to look at status and roll back by hand, short enough that a kept stack's workflow ends by itself. */
const ROLLBACK_WINDOW_SECONDS = 300;

const hive = (partitions: string[] = [], columns = ['id bigint', 'name string']) => ({
  type: 'MANAGED_TABLE',
  columns,
  partitionKeys: partitions.length > 0 ? ['dt string'] : [],
  partitions,
});
/** As Hive holds an Iceberg table: table_type=ICEBERG and where its current metadata is. */
const iceberg = (location: string) => ({
  type: 'EXTERNAL_TABLE',
  columns: ['id bigint', 'payload string'],
  location,
  parameters: { table_type: 'ICEBERG', metadata_location: `${location}/metadata/00001.metadata.json` },
});
const days = ['dt=2026-01-01', 'dt=2026-01-02', 'dt=2026-01-03'];
const DEMO_METASTORE = {
  sales: {
    orders: hive(days, ['order_id bigint', 'customer string', 'amount decimal(10,2)']),
    customers: hive([], ['customer_id bigint', 'name string']),
    events: iceberg('gs://demo-warehouse/sales/events'),
  },
  web: { clicks: iceberg('gs://demo-warehouse/web/clicks'), sessions: hive(days.slice(0, 2)) },
  hr: { employees: hive([], ['employee_id bigint', 'name string', 'team string']) },
};

type Say = (line: string) => void;

async function admin(emulatorUrl: string, call: string, body: unknown): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/${call}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`emulator admin ${call}: ${response.status} ${await response.text()}`);
}

/** The service's own metastore and the two empty target catalogs, saying what stands in for what. */
export async function seedOutgoing(emulatorUrl: string, service: string, say: Say): Promise<void> {
  await admin(emulatorUrl, 'services:metastore', { name: service, databases: DEMO_METASTORE });
  const tables = Object.values(DEMO_METASTORE).flatMap((db) => Object.values(db));
  const hiveTables = tables.filter((t) => !('parameters' in t));
  const partitions = hiveTables.reduce((sum, t) => sum + ('partitions' in t ? t.partitions.length : 0), 0);
  say(
    `seeded ${service}'s own Hive metastore (standing in for a DPMS service in use): ` +
      `${hiveTables.length} Hive tables (${partitions} partitions) and ${tables.length - hiveTables.length} Iceberg tables ` +
      `(table_type=ICEBERG) in databases ${Object.keys(DEMO_METASTORE).join(', ')}`,
  );
  await admin(emulatorUrl, 'catalogs', { name: HIVE_CATALOG, type: 'HIVE' });
  await admin(emulatorUrl, 'catalogs', { name: ICEBERG_CATALOG, type: 'ICEBERG' });
  say(
    `created Lakehouse catalogs ${HIVE_CATALOG} (HIVE) and ${ICEBERG_CATALOG} (ICEBERG), empty, in the emulator ` +
      `(standing in for BigLake; the migration report goes to its Cloud Storage stand-in)`,
  );
}

/** What the demo hands this kind: the CLI runner and the progress follower of scripts/demo.ts. */
export interface OutgoingDemo {
  service: string;
  cli: (...args: string[]) => Promise<string>;
  follow: (until: (s: MigrationStatus) => boolean) => Promise<MigrationStatus>;
  say: Say;
}

/** gcloud's flags for this migration, as a user would type them for plan and start alike. */
export function outgoingFlags(): string[] {
  return [
    ...['--mode', 'backfill'],
    ...['--hive-catalog', HIVE_CATALOG, '--hive-databases', HIVE_DATABASES.join(',')],
    ...['--iceberg-catalog', ICEBERG_CATALOG, '--iceberg-namespaces', ICEBERG_NAMESPACES.join(',')],
  ];
}

/** plan → start → the rollback window → status → rollback → wait; the status read in the window is returned. */
export async function runOutgoing(demo: OutgoingDemo): Promise<MigrationStatus> {
  const service = ['--service', demo.service];
  // plan exits 0 only when nothing blocks (cli throws otherwise); its verdict line is the outgoing kind's wording.
  const plan = await demo.cli('plan', ...service, ...outgoingFlags());
  if (!/— the backfill may start/.test(plan)) throw new Error('the dry run did not say the backfill may start');
  demo.say('the dry run planned every database CREATE and nothing blocks: ready to start');
  await demo.cli(
    'start',
    ...service,
    ...outgoingFlags(),
    ...['--rollback-window', String(ROLLBACK_WINDOW_SECONDS)],
    ...['--poll-interval', '5', '--operation-poll', '0.5'],
  );
  const window = await demo.follow((s) => s.stage === 'ROLLBACK_WINDOW' || s.stage === 'DONE');
  if (window.stage !== 'ROLLBACK_WINDOW') throw new Error(`the migration ended without a rollback window`);
  demo.say(
    `backfilled: the service now forwards the Iceberg namespaces to ${ICEBERG_CATALOG}; ` +
      `rollback possible until ${window.rollbackWindowEndsAt ?? '?'}`,
  );
  await demo.cli('status', ...service);
  demo.say('the engineer decides the Spark jobs are not ready for the Lakehouse catalogs: roll back');
  await demo.cli(
    'rollback',
    ...service,
    ...['--by', 'demo-engineer', '--reason', 'the Spark jobs are not ready for the Lakehouse catalogs', '--yes'],
  );
  const waited = await demo.cli('wait', ...service);
  if (!/ROLLED_BACK/.test(waited)) throw new Error('wait did not end ROLLED_BACK');
  return window;
}

/** --keep: commands of this kind to try against the kept stack (after `. demo.env`). */
export function outgoingTryIt(service: string, reportPath: string | undefined): string[] {
  const svc = `--service ${service}`;
  const report = reportPath && /^gs:\/\/([^/]+)\/?(.*)$/.exec(reportPath);
  return [
    `  npm run -s cli -- status ${svc}`,
    `  npm run -s cli -- watch ${svc}`,
    `  # the Lakehouse Iceberg REST catalog (the Apache Iceberg REST spec), as Spark would ask it:`,
    `  curl -s "http://$METASTORE_EMULATOR_HOST/iceberg/v1/restcatalog/v1/config?warehouse=${ICEBERG_CATALOG}"`,
    `  curl -s "http://$METASTORE_EMULATOR_HOST/iceberg/v1/restcatalog/v1/${ICEBERG_CATALOG}/namespaces"`,
    `  curl -s "http://$METASTORE_EMULATOR_HOST/_emulator/catalogs?contents=true"`,
    ...(report
      ? [
          `  # the migration report (per table: plan, result, partitions), through the Cloud Storage JSON API:`,
          `  curl -s "http://$METASTORE_EMULATOR_HOST/storage/v1/b/${report[1]}/o/${encodeURIComponent(report[2] ?? '')}?alt=media"`,
        ]
      : []),
  ];
}
