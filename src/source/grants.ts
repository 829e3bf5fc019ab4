// Reading `SHOW GRANTS FOR CURRENT_USER()` lines from MySQL and MariaDB. Only global (`*.*`) and database-level
// (`db`.*) grants count; table, column, routine and proxy grants are ignored, and privileges a user holds only
// through a role are not resolved (the caller may mention that when something is missing).
import type { SourceSession } from './connection';

export interface Grant {
  /** Normalised privilege names, e.g. 'SELECT', 'REPLICATION CLIENT', 'ALL PRIVILEGES'. */
  privileges: Set<string>;
  /** '*.*' for global grants, otherwise the database pattern as granted (wildcards `%` `_`, `\` escapes). */
  database: string;
}

export interface UserGrants {
  grants: Grant[];
  /** Whether the user was granted a role (`GRANT role TO user`): its privileges are not in `grants`. */
  hasRoles: boolean;
}

/** Spellings that name the same privilege: MariaDB 10.5+ prints REPLICATION CLIENT as BINLOG MONITOR. */
const ALIASES: Record<string, string> = {
  ALL: 'ALL PRIVILEGES',
  'BINLOG MONITOR': 'REPLICATION CLIENT',
  'REPLICATION REPLICA': 'REPLICATION SLAVE',
};

const GRANT_LINE = /^GRANT\s+(.+?)\s+ON\s+(?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE(?:\s+BODY)?)\s+)?(\S+)\s+TO\s/i;
const OBJECT_NAME = /^(\*|`(?:[^`]|``)+`|[^.`\s]+)\.(\*|`(?:[^`]|``)+`|[^.`\s]+)$/;

/** Each row of SHOW GRANTS has one column, named after the account (`Grants for hive@%`). */
export async function showGrants(session: SourceSession): Promise<string[]> {
  const rows = await session.query('SHOW GRANTS FOR CURRENT_USER()');
  return rows.map((row) => String(Object.values(row)[0] ?? ''));
}

export function parseGrants(lines: string[]): UserGrants {
  const grants: Grant[] = [];
  let hasRoles = false;
  for (const line of lines) {
    const match = GRANT_LINE.exec(line.trim());
    if (!match) {
      // `GRANT role TO user` has no ON clause; `SET DEFAULT ROLE …` and the like are not grants.
      hasRoles ||= /^GRANT\s/i.test(line.trim()) && !/\sON\s/i.test(line);
      continue;
    }
    const object = OBJECT_NAME.exec(match[2] ?? '');
    if (!object || object[2] !== '*') continue; // table-level or not a database object (PROXY ON ''@'%')
    const database = object[1] === '*' ? '*.*' : unquote(object[1] ?? '');
    grants.push({ privileges: new Set(splitPrivileges(match[1] ?? '')), database });
  }
  return { grants, hasRoles };
}

/** Privileges granted globally or on a database pattern that matches `database`. */
export function privilegesOn({ grants }: UserGrants, database: string): Set<string> {
  const held = new Set<string>();
  for (const grant of grants) {
    if (grant.database === '*.*' || databasePattern(grant.database).test(database)) {
      for (const privilege of grant.privileges) held.add(privilege);
    }
  }
  return held;
}

/** Privileges granted ON *.* (REPLICATION SLAVE / CLIENT can only be granted there). */
export function globalPrivileges({ grants }: UserGrants): Set<string> {
  return new Set(grants.filter((grant) => grant.database === '*.*').flatMap((grant) => [...grant.privileges]));
}

/** The subset of `required` that `held` lacks (ALL PRIVILEGES covers everything). */
export function missingPrivileges(held: Set<string>, required: readonly string[]): string[] {
  return held.has('ALL PRIVILEGES') ? [] : required.filter((privilege) => !held.has(privilege));
}

function splitPrivileges(list: string): string[] {
  // Column lists (`SELECT (a, b)`) only occur on table grants, which are skipped, but strip them anyway.
  return list
    .replace(/\([^)]*\)/g, '')
    .split(',')
    .map((privilege) => privilege.trim().replace(/\s+/g, ' ').toUpperCase())
    .filter((privilege) => privilege !== '')
    .map((privilege) => ALIASES[privilege] ?? privilege);
}

function unquote(name: string): string {
  return name.startsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name;
}

/** A database name in a grant is a LIKE pattern: `%` any run, `_` one character, `\` escapes the next one. */
function databasePattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern.charAt(++i));
    else if (char === '%') source += '.*';
    else if (char === '_') source += '.';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
