// The compose stack registers its search attributes in a shell loop; the dev server gets them from
// scripts/temporal-cli.ts. Both lists must stay equal or the workflow's upserts fail on one of them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../scripts/temporal-cli';

interface ComposeFile {
  services: Record<string, { environment?: Record<string, string> }>;
}

describe('docker-compose.yml', () => {
  it('registers the same search attributes as the dev server', () => {
    const compose = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8')) as ComposeFile;
    const registered = compose.services['temporal-setup']?.environment?.SEARCH_ATTRIBUTES ?? '';
    assert.deepEqual(registered.split(/\s+/).filter(Boolean), SEARCH_ATTRIBUTES);
  });
});
