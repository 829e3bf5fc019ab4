// Precheck of the source for Datastream with the CDC credentials (`cdcConfig.username` / `password`): binlog
// settings, the replication grants, GTID and timeout advice (reference §6).
import { withSourceConnection, type SourceSession } from './connection';
import {
  binlogFindings,
  CDC_VARIABLES,
  gtidFinding,
  tuningFindings,
  type RetentionNeed,
  type ServerVariables,
} from './cdc-settings';
import { globalPrivileges, missingPrivileges, parseGrants, privilegesOn, showGrants } from './grants';
import { finding, type Finding, type SourceCheck, type SourceConnectionOptions } from './types';

/** Global privileges Datastream needs; they can only be granted ON *.*. */
const REPLICATION_PRIVILEGES = ['REPLICATION SLAVE', 'REPLICATION CLIENT'] as const;

/**
 * Connects as the CDC user (without selecting `options.database`: the user may hold SELECT on *.* only) and
 * checks the server for Datastream. Findings: source.reachable, cdc.logBin, cdc.binlogFormat, cdc.binlogRowImage,
 * cdc.binlogRowValueOptions (MySQL 8), cdc.binlogRetention, cdc.grants (errors when wrong); cdc.gtid,
 * cdc.netReadTimeout, cdc.netWriteTimeout, cdc.waitTimeout, cdc.maxAllowedPacket, cdc.logReplicaUpdates (warnings).
 */
export async function checkCdcReadiness(
  options: SourceConnectionOptions,
  retentionNeeded?: RetentionNeed,
): Promise<SourceCheck> {
  return withSourceConnection(options, { useDatabase: false }, async (session) => {
    const vars = await globalVariables(session);
    const grants = grantsFinding(await showGrants(session), options.database);
    return [...binlogFindings(vars, retentionNeeded), grants, gtidFinding(vars), ...tuningFindings(vars)];
  });
}

async function globalVariables(session: SourceSession): Promise<ServerVariables> {
  const rows = await session.query(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${CDC_VARIABLES.map(() => '?').join(', ')})`,
    [...CDC_VARIABLES],
  );
  return new Map(rows.map((row) => [String(row.Variable_name).toLowerCase(), String(row.Value ?? '')]));
}

function grantsFinding(lines: string[], database: string): Finding {
  const grants = parseGrants(lines);
  const missingGlobal = missingPrivileges(globalPrivileges(grants), REPLICATION_PRIVILEGES);
  const missingSelect = missingPrivileges(privilegesOn(grants, database), ['SELECT']);
  if (missingGlobal.length === 0 && missingSelect.length === 0) {
    return finding(
      'cdc.grants',
      'ok',
      `the user has REPLICATION SLAVE, REPLICATION CLIENT and SELECT on '${database}'`,
    );
  }
  const missing = [
    ...missingGlobal.map((privilege) => `${privilege} ON *.*`),
    ...missingSelect.map((privilege) => `${privilege} ON *.* (or on ${database}.*)`),
  ];
  const roles = grants.hasRoles ? '; privileges held through roles are not checked' : '';
  return finding('cdc.grants', 'error', `the CDC user lacks ${missing.join(', ')}${roles}`);
}
