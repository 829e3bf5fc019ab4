// The image's base and the inventory volume, checked as text (no Docker engine runs in CI).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const dockerfile = readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
const lines = dockerfile.split('\n').filter((line) => !line.startsWith('#'));

describe('Dockerfile', () => {
  it('builds and runs on a Node LTS image pinned by digest, for both stages', () => {
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:(22|24)-bookworm-slim@sha256:[0-9a-f]{64}$/m);
    const froms = lines.filter((line) => line.startsWith('FROM '));
    assert.deepEqual(froms, ['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE}']);
  });

  it('gives the worker’s user the inventory directory before declaring it a volume, and runs as that user', () => {
    const index = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const chown = index(/chown -R node:node \/var\/lib\/metastore-migrator/);
    const user = index(/^USER node$/);
    const volume = index(/^VOLUME \["\/var\/lib\/metastore-migrator\/inventories"\]$/);
    assert.ok(chown > 0 && chown < user && user < volume, `chown ${chown}, USER ${user}, VOLUME ${volume}`);
    assert.match(dockerfile, /mkdir -p \/var\/lib\/metastore-migrator\/inventories/);
  });

  it('puts the inventories where docker-compose.yml mounts its volume', () => {
    const compose = readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
    assert.match(compose, /- inventories:\/var\/lib\/metastore-migrator\/inventories$/m);
    assert.match(compose, /METASTORE_MIGRATOR_INVENTORY_DIR: \/var\/lib\/metastore-migrator\/inventories$/m);
  });
});
