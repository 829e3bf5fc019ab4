import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globalPrivileges, missingPrivileges, parseGrants, privilegesOn } from '../../src/source/grants';

describe('parseGrants', () => {
  it('reads MySQL 8 lines with REPLICATION CLIENT and a database grant', () => {
    const grants = parseGrants([
      'GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `datastream`@`%`',
      'GRANT INSERT, UPDATE, DELETE ON `hive`.* TO `datastream`@`%`',
    ]);
    assert.deepEqual([...globalPrivileges(grants)].sort(), ['REPLICATION CLIENT', 'REPLICATION SLAVE', 'SELECT']);
    assert.deepEqual(missingPrivileges(privilegesOn(grants, 'hive'), ['SELECT', 'INSERT', 'DELETE']), []);
    assert.deepEqual(missingPrivileges(privilegesOn(grants, 'other'), ['SELECT', 'INSERT']), ['INSERT']);
  });

  it("maps MariaDB's BINLOG MONITOR and REPLICATION REPLICA to the MySQL names, and hides nothing else", () => {
    const grants = parseGrants([
      "GRANT REPLICATION REPLICA, BINLOG MONITOR ON *.* TO `ds`@`127.0.0.1` IDENTIFIED BY PASSWORD '*ABC'",
    ]);
    assert.deepEqual(missingPrivileges(globalPrivileges(grants), ['REPLICATION SLAVE', 'REPLICATION CLIENT']), []);
  });

  it('treats ALL PRIVILEGES as every privilege, globally or on a database', () => {
    const global = parseGrants(['GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION']);
    assert.deepEqual(missingPrivileges(globalPrivileges(global), ['REPLICATION SLAVE']), []);
    const database = parseGrants(['GRANT ALL ON `hive`.* TO `hive`@`%`']);
    assert.deepEqual(missingPrivileges(privilegesOn(database, 'hive'), ['CREATE', 'DELETE']), []);
    assert.deepEqual(missingPrivileges(globalPrivileges(database), ['SELECT']), ['SELECT']);
  });

  it('matches database patterns with % and _ wildcards and backslash escapes', () => {
    const grants = parseGrants([
      'GRANT SELECT ON `hive%`.* TO `u`@`%`',
      'GRANT INSERT ON `meta\\_db`.* TO `u`@`%`',
      'GRANT DELETE ON `a_c`.* TO `u`@`%`',
    ]);
    assert.ok(privilegesOn(grants, 'hive_prod').has('SELECT'));
    assert.ok(privilegesOn(grants, 'meta_db').has('INSERT'));
    assert.ok(!privilegesOn(grants, 'metaXdb').has('INSERT'));
    assert.ok(privilegesOn(grants, 'abc').has('DELETE'));
  });

  it('ignores table, column and proxy grants and notes role grants', () => {
    const grants = parseGrants([
      'GRANT USAGE ON *.* TO `u`@`%`',
      'GRANT SELECT (`NAME`), INSERT ON `hive`.`DBS` TO `u`@`%`',
      "GRANT PROXY ON ''@'%' TO 'u'@'%'",
      'GRANT `replicator` TO `u`@`%`',
    ]);
    assert.deepEqual(missingPrivileges(privilegesOn(grants, 'hive'), ['SELECT', 'INSERT']), ['SELECT', 'INSERT']);
    assert.equal(grants.hasRoles, true);
    assert.equal(parseGrants(['GRANT SELECT ON *.* TO `u`@`%`']).hasRoles, false);
  });
});
