// The Temporal Web UI in a real headless Chromium (Debian's `chromium`, driven by puppeteer-core), as a person sees
// it: the dev server's UI lists the migration under a MigrationStage query, its workflow page shows its summary
// and current details and the input decoded by the codec server (the history itself holds only ciphertext); once
// cancelled it is listed as CANCELLED by MigrationOutcome, and the migrations' view leaves out the plan its start
// ran. Screenshots go to test-results/web-ui/.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnService, type ServiceProcess } from '../../scripts/lib/services';
import { type Browser, assertChromium, launchChromium } from '../helpers/chromium';
import { migrationSummary } from '../../src/migration/summary';
import { snakeCaseConfigYaml, waitFor } from '../helpers/migration';
import { freePort } from '../helpers/ports';
import { type Stack, startStack } from '../helpers/stack';
import { type DevServer, startDevServer, requiresOwnTemporal } from '../helpers/temporal';

const root = join(__dirname, '..', '..');
const shots = join(root, 'test-results', 'web-ui');
const codecEnv = { METASTORE_MIGRATOR_CODEC_KEYS: `ui-test:${randomBytes(32).toString('base64')}` };

let temporal: DevServer;
let codec: ServiceProcess;
let stack: Stack;
let browser: Browser;
let workDir: string;
let ui: string;

const ownTemporal = requiresOwnTemporal('it serves the Web UI on a port of its own, with the codec endpoint flag');

before(async () => {
  if (ownTemporal) return;
  assertChromium();
  workDir = await mkdtemp(join(tmpdir(), 'metastore-migrator-web-ui-'));
  await writeFile(join(workDir, 'migration.yaml'), snakeCaseConfigYaml());
  await mkdir(shots, { recursive: true });
  const [uiPort, codecPort] = [await freePort(), await freePort()];
  ui = `http://127.0.0.1:${uiPort}`;
  codec = spawnService({
    name: 'codec-server',
    command: process.execPath,
    // The dev server's UI cannot be told to send credentials (it has no includeCredentials flag): loopback opt-out.
    args: [
      '--import',
      'tsx',
      'src/codec/main.ts',
      '--port',
      String(codecPort),
      '--cors-origin',
      ui,
      '--no-auth-for-local-dev',
    ],
    cwd: root,
    env: { PATH: process.env.PATH, ...codecEnv },
  });
  await codec.waitForOutput(/listening on/);
  temporal = await startDevServer({
    uiPort,
    extraArgs: ['--ui-codec-endpoint', `http://127.0.0.1:${codecPort}`],
  });
  stack = await startStack(temporal, [], { env: codecEnv });
  await stack.startWorker();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.allSettled([stack?.close(), codec?.stop(), temporal?.close()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('Temporal Web UI in a browser', { skip: ownTemporal }, () => {
  it('lists the migration by stage and outcome, shows its summary and input decoded, and a view of migrations only', async () => {
    const service = await stack.seedService();
    const start = ['start', '--service', service, '--config', join(workDir, 'migration.yaml')];
    assert.equal((await stack.cli(...start, '--poll-interval', '1')).code, 0);
    await waitFor('REPLICATION', async () => {
      const status = await stack.cli('status', '--service', service, '--json');
      return (JSON.parse(status.stdout) as { stage: string }).stage === 'REPLICATION';
    });
    // Without the keys nothing reads it: the history holds ciphertext, so what the page shows is the codec's work.
    const keyless = await stack.cliWithEnv(
      { METASTORE_MIGRATOR_CODEC_KEYS: undefined },
      'status',
      '--service',
      service,
    );
    assert.match(keyless.stderr, /^EncryptedPayload: /m);
    const workflowId = `migration/${service}`;
    const page = await browser.newPage();
    await page.setViewport({ width: 1600, height: 1000 });
    // Page-side code as strings: this project's TypeScript has no DOM types.
    // On a timeout the page is saved (not-found.png) and its text is in the error: what the person saw instead.
    const bodyHas = (text: string) =>
      page
        .waitForFunction(`document.body.innerText.includes(${JSON.stringify(text)})`, { timeout: 60_000 })
        .catch(async (err: unknown) => {
          await page.screenshot({ path: join(shots, 'not-found.png'), fullPage: true });
          const shown = (await page.evaluate('document.body.innerText')) as string;
          throw new Error(`${JSON.stringify(text)} not on the page (${String(err)}); it shows:\n${shown}`);
        });

    const query = encodeURIComponent("MigrationStage = 'REPLICATION'");
    await page.goto(`${ui}/namespaces/default/workflows?query=${query}`, { waitUntil: 'networkidle2' });
    await bodyHas(workflowId);
    await page.screenshot({ path: join(shots, 'workflows-by-stage.png'), fullPage: true });
    /** The list under `query` once it shows `text` (visibility follows the history by a moment: reloaded). */
    const listed = (listQuery: string, text: string) =>
      waitFor(
        `${listQuery} lists ${text}`,
        async () => {
          const q = encodeURIComponent(listQuery);
          await page.goto(`${ui}/namespaces/default/workflows?query=${q}`, { waitUntil: 'networkidle2' });
          const shown = (await page.evaluate('document.body.innerText')) as string;
          return shown.includes(text) ? shown : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );

    await page.goto(`${ui}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`, {
      waitUntil: 'networkidle2',
    });
    // The input's options and the config's connection name appear only once the codec server has decoded them.
    await bodyHas('pollIntervalSeconds');
    await bodyHas('hiveDatabaseName');
    const text = (await page.evaluate('document.body.innerText')) as string;
    await page.screenshot({ path: join(shots, 'workflow-input-decoded.png'), fullPage: true });
    assert.ok(!text.includes('binary/encrypted'), 'an undecoded payload on the workflow page');
    assert.ok(!text.includes(codecEnv.METASTORE_MIGRATOR_CODEC_KEYS.split(':')[1]!), 'the key on the page');
    // What it is at a glance: the start's summary and the workflow's current details, decoded (User Metadata tab).
    await page.evaluate(
      `[...document.querySelectorAll('a, button')].find((e) => e.innerText.trim() === 'User Metadata').click()`,
    );
    // The UI renders user metadata (markdown) in sandboxed iframes: the text of every frame is what shows.
    const shownInFrames = async () =>
      (
        await Promise.all(
          page.frames().map((frame) => frame.evaluate('document.body ? document.body.innerText : ""').catch(() => '')),
        )
      ).join('\n');
    const framesHave = (...texts: string[]) =>
      waitFor(`the page shows ${texts.join(', ')}`, async () => {
        const shown = await shownInFrames();
        return texts.every((t) => shown.includes(t)) ? shown : undefined;
      });
    await framesHave(
      migrationSummary(service),
      `Follow it with metastore-migrator watch --service ${service}`,
      'DPMS migration · REPLICATION since',
      'execution RUNNING in REPLICATION',
    );
    await page.screenshot({ path: join(shots, 'workflow-summary.png'), fullPage: true });

    // Cancelled: the badge says the workflow completed; MigrationOutcome says how the migration ended.
    assert.equal((await stack.cli('cancel', '--service', service, '--by', 'erin')).code, 0);
    assert.equal((await stack.cli('wait', '--service', service)).code, 0);
    const cancelled = await listed("MigrationOutcome = 'CANCELLED'", workflowId);
    assert.ok(cancelled.includes('Completed'), 'the workflow itself completed normally');
    await page.screenshot({ path: join(shots, 'workflows-cancelled.png'), fullPage: true });

    // The default listing holds the plan the start ran; the migrations' view does not.
    await listed('', `plan/${service}/`);
    const migrations = await listed("WorkflowType = 'managedMigration'", workflowId);
    await page.screenshot({ path: join(shots, 'workflows-migrations-only.png'), fullPage: true });
    assert.ok(!migrations.includes(`plan/${service}/`), 'a plan in the migrations view');
  });
});
