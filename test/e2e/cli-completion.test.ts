// `completion bash|zsh` as a shell uses it: the CLI process prints the script, a real bash (and zsh, where
// installed) sources it and runs its completion function on the words typed so far; the candidates are asserted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { STAGES } from '../../src/migration/state';
import { cliProcess } from '../helpers/stack';

let dir: string;
const scripts: Record<'bash' | 'zsh', string> = { bash: '', zsh: '' };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metastore-migrator-completion-'));
  for (const shell of ['bash', 'zsh'] as const) {
    const run = await cliProcess(process.env, ['completion', shell]);
    assert.equal(run.code, 0, run.stderr);
    scripts[shell] = join(dir, `completion.${shell}`);
    await writeFile(scripts[shell], run.stdout);
  }
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** bash --norc: source the script, set COMP_WORDS/COMP_CWORD to the words (the cursor on the last), complete. */
function bash(...words: string[]): string[] {
  const driver = [
    'source "$1"; shift',
    'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()',
    // The function `complete -F` registered for the program, as bash would call it.
    'fn=$(complete -p metastore-migrator | sed -E "s/.*-F ([^ ]+).*/\\1/")',
    '"$fn" metastore-migrator "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', driver, 'bash', scripts.bash, ...words], {
    encoding: 'utf8',
  });
  return out.split('\n').filter((line) => line !== '');
}

/**
 * zsh -f: outside a completion widget compadd, compdef and _files do not exist, so they are stood in for (compadd
 * keeps the candidates starting with the word under the cursor, as it does); words and CURRENT are set as zsh's
 * completion system sets them (1-based, the cursor on the last word).
 */
function zsh(...words: string[]): string[] {
  const driver = [
    'compdef() { registered=$1 }',
    '_files() { print -r -- "<files>" }',
    'compadd() { local w; shift; for w; do [[ $w == "${words[CURRENT]}"* ]] && print -r -- $w; done; return 0 }',
    'source "$1"; shift',
    'words=("$@"); CURRENT=$#',
    // A completion function returns 1 when it offers nothing.
    '$registered || true',
  ].join('\n');
  const out = execFileSync('zsh', ['-f', '-c', driver, 'zsh', scripts.zsh, ...words], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line !== '');
}

function hasZsh(): boolean {
  try {
    execFileSync('zsh', ['-f', '-c', 'true']);
    return true;
  } catch {
    return false;
  }
}

for (const [shell, complete, skip] of [
  ['bash', bash, false],
  ['zsh', zsh, hasZsh() ? false : 'zsh is not installed (apt-get install zsh; .ci/run installs it)'],
] as const) {
  describe(`completion ${shell}`, { skip }, () => {
    it('completes command names, and command names after help', () => {
      assert.deepEqual(complete('metastore-migrator', 'com'), ['complete', 'completion']);
      assert.deepEqual(complete('metastore-migrator', 'stat'), ['status']);
      assert.deepEqual(complete('metastore-migrator', 'help', 'list'), ['list', 'list-workflows']);
    });

    it("completes a command's own flags only", () => {
      assert.deepEqual(complete('metastore-migrator', 'status', '--'), ['--service', '--all', '--json', '--help']);
      const cancel = complete('metastore-migrator', 'cancel', '--service', 'projects/p/locations/l/services/s', '-');
      assert.deepEqual(cancel, ['--service', '--reason', '--by', '--yes', '-y', '--json', '--help', '-h']);
      assert.ok(!complete('metastore-migrator', 'list-workflows', '--').includes('--service'));
    });

    it("completes a flag's choices, and an argument's", () => {
      assert.deepEqual(complete('metastore-migrator', 'list-workflows', '--stage', ''), [...STAGES]);
      assert.deepEqual(complete('metastore-migrator', 'list-workflows', '--stage', 'RE'), [
        'REPLICATION',
        'RESTORING_BACKUPS',
      ]);
      assert.deepEqual(complete('metastore-migrator', 'list-workflows', '--all', '--state', 'AWA'), [
        'AWAITING_USER_ACTION',
      ]);
      assert.deepEqual(complete('metastore-migrator', 'completion', 'z'), ['zsh']);
    });

    it("offers the outgoing kind's gcloud flags on plan and start, with the mode's and the policy's choices", () => {
      assert.deepEqual(complete('metastore-migrator', 'start', '--hive-'), ['--hive-catalog', '--hive-databases']);
      assert.deepEqual(complete('metastore-migrator', 'plan', '--iceberg-'), [
        '--iceberg-catalog',
        '--iceberg-namespaces',
      ]);
      assert.deepEqual(complete('metastore-migrator', 'start', '--migration-e'), ['--migration-execution-id']);
      assert.deepEqual(complete('metastore-migrator', 'start', '--re'), [
        '--report-path',
        '--restore-backups',
        '--reason',
      ]);
      assert.deepEqual(complete('metastore-migrator', 'start', '--mode', ''), ['backfill', 'incremental-sync']);
      assert.deepEqual(complete('metastore-migrator', 'plan', '--conflict-policy', 'o'), ['overwrite']);
      assert.deepEqual(complete('metastore-migrator', 'start', '--hive-catalog', ''), []);
      assert.ok(!complete('metastore-migrator', 'complete', '--').includes('--mode'), 'complete has no --mode');
    });

    it("takes a flag's value for a value, not a command, and offers nothing for a free value", () => {
      // `--reason status`: status is the reason, the command is still complete.
      assert.deepEqual(complete('metastore-migrator', 'complete', '--reason', 'status', '--dr'), ['--dry-run']);
      assert.deepEqual(complete('metastore-migrator', 'complete', '--reason', ''), []);
    });
  });
}

describe('completion of file names', () => {
  it('offers files after a FILE flag (bash)', async () => {
    await writeFile(join(dir, 'migration.yaml'), 'x: 1\n');
    assert.deepEqual(bash('metastore-migrator', 'start', '--config', join(dir, 'migr')), [join(dir, 'migration.yaml')]);
  });
});
