// Services the emulator can start with. The demo service is what a migration needs: SPANNER, Hive 3.1.2,
// with scheduled backups on (the workflow turns them off for the migration and back on afterwards).
import type { Service } from '../schemas/api';

/** A service to create ACTIVE at start: only `name` is required; the server fills output fields in. */
export type SeedService = Service;

export const DEMO_SERVICE_NAME = 'projects/demo-project/locations/us-central1/services/demo-metastore';

export function demoService(): SeedService {
  return {
    name: DEMO_SERVICE_NAME,
    databaseType: 'SPANNER',
    hiveMetastoreConfig: { version: '3.1.2' },
    tier: 'ENTERPRISE',
    scheduledBackup: {
      enabled: true,
      cronSchedule: '0 3 * * *',
      timeZone: 'UTC',
      backupLocation: 'gs://demo-backups/demo-metastore',
    },
  };
}
