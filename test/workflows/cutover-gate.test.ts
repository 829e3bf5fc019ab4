// The cutover readiness gate and the source health watch against a real MariaDB: an old metastore's session from
// 127.0.0.2 blocks complete (update and signal) by name, an override lets it through, a changed VERSION blocks,
// an unreachable source's checks block until overridden by name; binlog_format switched and back is recorded twice, SourceHealth ERROR → OK.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { CUTOVER_CHECKS } from '../../src/migration/cutover';
import { FailureType } from '../../src/migration/failure-types';
import {
  SourceHealthKey,
  checkCutoverUpdate,
  completeSignal,
  requestCancelUpdate,
  requestCompleteUpdate,
} from '../../src/workflows/messages';
import { workflowIdFor } from '../../src/migration/names';
import { CDC_PASSWORD, HIVE_PASSWORD, connectFrom, createHiveSource, type HiveSource } from '../helpers/hive-source';
import { GOOD_CDC_SERVER_ARGS, startMariaDb, type MariaDb } from '../helpers/mariadb';
import { migrationExecutionRequest, waitFor } from '../helpers/migration';
import { createHarness, type Harness } from '../helpers/workflow-harness';

const SOURCE_SECRETS = { HIVE_DB_PASSWORD: HIVE_PASSWORD, CDC_PASSWORD };
/** A stand-in for the self-managed metastore server: another loopback address than DPMS's (127.0.0.1). */
const OLD_METASTORE_HOST = '127.0.0.2';

let h: Harness;
let db: MariaDb;

before(async () => {
  [h, db] = await Promise.all([createHarness(), startMariaDb({ serverArgs: GOOD_CDC_SERVER_ARGS })]);
});
after(async () => {
  await Promise.allSettled([h?.close(), db?.close()]);
});

let sources = 0;
function newSource(): Promise<HiveSource> {
  sources += 1;
  return createHiveSource(db, {
    database: `hive_gate${sources}`,
    hiveUser: `hms_gate${sources}`,
    cdcUser: `cdc_gate${sources}`,
    anyHost: true,
  });
}

const oldMetastoreSession = (source: HiveSource) => connectFrom(source, OLD_METASTORE_HOST);

const config = (source: HiveSource) =>
  migrationExecutionRequest({
    port: source.hive.port,
    database: source.database,
    hiveUser: source.hive.user,
    cdcUser: source.cdc.user,
  });

async function blockedBy(promise: Promise<unknown>): Promise<{ message: string }> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
    const cause = err.cause as { type?: string; message: string };
    assert.equal(cause.type, FailureType.CutoverBlocked, cause.message);
    return cause;
  }
  assert.fail('complete was accepted');
}

/** Checks the gate reported that CUTOVER_CHECKS (what a manifest's override may name) does not list. */
const unlisted = (findings: readonly { check: string }[]) =>
  findings.map((f) => f.check).filter((check) => !(CUTOVER_CHECKS as readonly string[]).includes(check));

describe('cutover gate', () => {
  it('blocks complete while the old metastore host holds a session, naming it; an override lets it through', async () => {
    const source = await newSource();
    const old = await oldMetastoreSession(source);
    const service = await h.seedService();
    await h.withWorker(async (q) => {
      const handle = await h.start(service, q, {}, config(source));
      const status = await h.waitForStage(service, 'REPLICATION');
      assert.ok(status.sourceBaseline && 'hosts' in status.sourceBaseline, JSON.stringify(status.sourceBaseline));
      assert.deepEqual(status.sourceBaseline.hosts, [OLD_METASTORE_HOST]);
      assert.equal(status.sourceBaseline.schemaVersion, '3.1.0');

      const dry = await handle.executeUpdate(checkCutoverUpdate, { args: [{}] });
      assert.equal(dry.ok, false);
      assert.deepEqual(dry.blocking, ['workloads.moved']);
      // Every check a reachable source's gate reports is one a rollout wave's override may name.
      assert.deepEqual(unlisted(dry.findings), []);
      assert.equal((await h.status(service)).stage, 'REPLICATION', 'a dry run decides nothing');

      const refusal = await blockedBy(handle.executeUpdate(requestCompleteUpdate, { args: [{ by: 'test' }] }));
      assert.match(
        refusal.message,
        new RegExp(`${source.hive.user}@127\\.0\\.0\\.2 \\(1 session\\), a host of the self-managed metastore`),
      );
      assert.match(refusal.message, /--override workloads\.moved/);
      const after = await h.status(service);
      assert.equal(after.stage, 'REPLICATION');
      assert.equal(after.decision, undefined);
      assert.equal(after.requests.at(-1)?.accepted, false);

      const answer = await handle.executeUpdate(requestCompleteUpdate, {
        args: [{ by: 'test', reason: 'read-only replica', override: ['workloads.moved'] }],
      });
      assert.equal(answer.accepted, true);
      const result = await handle.result();
      assert.equal(result.outcome, 'SUCCEEDED');
      assert.deepEqual(result.requests.at(-1)?.override, ['workloads.moved']);
    }, SOURCE_SECRETS);
    await old.end();
  });

  it('holds a signalled complete back until the old host is gone', async () => {
    const source = await newSource();
    const old = await oldMetastoreSession(source);
    const service = await h.seedService();
    await h.withWorker(async (q) => {
      const handle = await h.start(service, q, {}, config(source));
      await h.waitForStage(service, 'REPLICATION');
      await handle.signal(completeSignal, { by: 'signal' });
      const refused = await waitFor('the signalled complete refused', async () => {
        const s = await h.status(service);
        return s.requests.some((r) => r.accepted === false) ? s : undefined;
      });
      assert.equal(refused.stage, 'REPLICATION');
      assert.match(refused.requests.at(-1)?.note ?? '', /127\.0\.0\.2.*a host of the self-managed metastore/);
      await old.end();
      await handle.signal(completeSignal, { by: 'signal' });
      assert.equal((await handle.result()).outcome, 'SUCCEEDED');
    }, SOURCE_SECRETS);
  });

  it('with dpmsClientCidrs, blocks a client first seen after the start outside them, and never its own checks', async () => {
    const source = await newSource();
    const service = await h.seedService();
    await h.withWorker(async (q) => {
      const handle = await h.start(service, q, { dpmsClientCidrs: ['10.8.0.0/24'] }, config(source));
      await h.waitForStage(service, 'REPLICATION');
      // The worker's own check sessions (from 127.0.0.1, outside the range) are not clients.
      const clean = await handle.executeUpdate(checkCutoverUpdate, { args: [{}] });
      const moved = clean.findings.find((f) => f.check === 'workloads.moved');
      assert.equal(moved?.level, 'warning', moved?.message); // no PROCESS grant: other accounts unseen
      assert.match(moved?.message ?? '', /^only DPMS \(0 sessions\) and Datastream/);
      const late = await oldMetastoreSession(source);
      try {
        const refusal = await blockedBy(handle.executeUpdate(requestCompleteUpdate, { args: [{}] }));
        assert.match(refusal.message, /@127\.0\.0\.2 \(1 session\), outside the DPMS proxy range 10\.8\.0\.0\/24/);
      } finally {
        await late.end();
      }
      await handle.executeUpdate(requestCancelUpdate, { args: [{}] });
      await handle.result();
    }, SOURCE_SECRETS);
  });

  it('blocks on a changed Hive schema VERSION', async () => {
    const source = await newSource();
    const service = await h.seedService();
    await h.withWorker(async (q) => {
      const handle = await h.start(service, q, {}, config(source));
      await h.waitForStage(service, 'REPLICATION');
      await db.rootQuery(`UPDATE \`${source.database}\`.VERSION SET SCHEMA_VERSION = '3.1.2'`);
      const refusal = await blockedBy(handle.executeUpdate(requestCompleteUpdate, { args: [{}] }));
      assert.match(refusal.message, /hive\.schemaUnchanged: the Hive schema VERSION changed from 3\.1\.0 to 3\.1\.2/);
      await handle.executeUpdate(requestCancelUpdate, { args: [{}] });
      assert.equal((await handle.result()).outcome, 'CANCELLED');
    }, SOURCE_SECRETS);
  });

  it('blocks complete on the source checks that could not run, until each is overridden by name', async () => {
    const service = await h.seedService();
    await h.withWorker(async (q) => {
      const handle = await h.start(service, q); // the source is 127.0.0.1:1: closed
      await h.waitForStage(service, 'REPLICATION');
      const report = await handle.executeUpdate(checkCutoverUpdate, { args: [{}] });
      const byCheck = new Map(report.findings.map((f) => [f.check, f]));
      assert.deepEqual(unlisted(report.findings), [], "an unreachable source's checks are overridable by name too");
      assert.equal(report.ok, false, 'a dry run over checks that did not run is not "ready"');
      assert.deepEqual([...report.blocking].sort(), ['hive.reachable', 'hive.schemaUnchanged', 'workloads.moved']);
      for (const check of report.blocking) {
        assert.equal(byCheck.get(check)?.level, 'error');
        assert.match(byCheck.get(check)?.message ?? '', /^did not run, and cutover needs it: /);
      }
      assert.match(byCheck.get('workloads.moved')?.message ?? '', /not checked: .*ECONNREFUSED/);
      assert.ok(report.notRun?.includes('cdc.reachable'), 'the CDC checks that did not run are counted too');
      assert.equal(byCheck.get('cdc.reachable')?.level, 'skipped', 'only the cutover-critical checks block');

      const refused = await blockedBy(handle.executeUpdate(requestCompleteUpdate, { args: [{ by: 'erin' }] }));
      assert.match(refused.message, /hive\.reachable.*workloads\.moved|workloads\.moved.*hive\.reachable/);
      assert.match(refused.message, /did not run: let the worker reach the source/);
      assert.match(
        refused.message,
        /--override hive\.reachable --override hive\.schemaUnchanged --override workloads\.moved/,
      );
      const partly = await blockedBy(
        handle.executeUpdate(requestCompleteUpdate, { args: [{ by: 'erin', override: ['workloads.moved'] }] }),
      );
      assert.doesNotMatch(partly.message, /blocked by [^—]*workloads\.moved/, 'the overridden one no longer blocks');
      assert.equal((await h.status(service)).stage, 'REPLICATION', 'refused: the migration keeps replicating');

      const override = ['workloads.moved', 'hive.schemaUnchanged', 'hive.reachable'];
      await handle.executeUpdate(requestCompleteUpdate, {
        args: [{ by: 'erin', reason: 'no route from here', override }],
      });
      const result = await handle.result();
      assert.equal(result.outcome, 'SUCCEEDED');
      const accepted = result.requests?.find((r) => r.action === 'complete' && r.accepted);
      assert.deepEqual(accepted?.override, override, 'the audit trail keeps the checks accepted by name');
      assert.equal(accepted?.by, 'erin');
      const refusedRecords = result.requests?.filter((r) => r.action === 'complete' && !r.accepted) ?? [];
      assert.equal(refusedRecords.length, 2, 'both refusals are in the audit trail');
    }, SOURCE_SECRETS);
  });
});

describe('source health while replicating', () => {
  it('records binlog_format switched and back, SourceHealth ERROR then OK', async () => {
    const source = await newSource();
    const service = await h.seedService();
    await h.withWorker(async (q) => {
      const handle = await h.start(service, q, { sourceCheckIntervalSeconds: 0.5 }, config(source));
      await h.waitForStage(service, 'REPLICATION');
      await db.rootQuery(`SET GLOBAL binlog_format = 'STATEMENT'`);
      try {
        const error = await waitFor('SourceHealth ERROR', async () => {
          const s = await h.status(service);
          return s.sourceHealth?.status === 'ERROR' ? s : undefined;
        });
        const described = await h.env.client.workflow.getHandle(workflowIdFor(service)).describe();
        assert.equal(described.typedSearchAttributes.get(SourceHealthKey), 'ERROR');
        assert.match(JSON.stringify(error.sourceHealth?.changes), /cdc\.binlogFormat/);
      } finally {
        await db.rootQuery(`SET GLOBAL binlog_format = 'ROW'`);
      }
      const ok = await waitFor('SourceHealth OK again', async () => {
        const s = await h.status(service);
        return s.sourceHealth?.status !== 'ERROR' && s.sourceHealth?.changes.length === 2 ? s : undefined;
      });
      const changes = ok.sourceHealth?.changes.map((c) => `${c.check} ${c.from}→${c.to}`);
      assert.deepEqual(changes, ['cdc.binlogFormat ok→error', 'cdc.binlogFormat error→ok']);
      assert.ok(Date.parse(ok.sourceHealth!.changes[1]!.at) > Date.parse(ok.sourceHealth!.changes[0]!.at));
      await handle.executeUpdate(requestCancelUpdate, { args: [{}] });
      await handle.result();
    }, SOURCE_SECRETS);
  });
});
