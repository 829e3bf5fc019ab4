// Temporal's 255-character limit on SQL clusters: a workflow id or Keyword value over it is accepted by the
// frontend, then breaks the visibility write for good (the workflow is never listed). Service names are bounded so
// every id built from one fits, refused with the field's path before any call; free-text Keyword values are cut.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { workflowIdFor } from '../../src/migration/names';
import { ServiceNameSchema, formatIssues, MigrationRequestSchema } from '../../src/schemas';
import { SERVICE_NAME_MAX_LENGTH } from '../../src/schemas/resource-names';
import { memberUpdateId } from '../../src/workflows/bulk-decision';
import { keywordValue } from '../../src/workflows/visibility';

/** A well-formed service name of exactly `length` characters: a domain-scoped project with a long domain. */
function serviceNameOf(length: number): string {
  const rest = ':corp-data-prod/locations/us-central1/services/hms';
  const domain = `${'d'.repeat(length - 'projects/'.length - rest.length - '.com'.length)}.com`;
  const name = `projects/${domain}${rest}`;
  assert.equal(name.length, length);
  return name;
}

describe('service names fit the 255-character ID limit', () => {
  it('accepts the longest name, whose plan, verify and migration workflow ids all fit', () => {
    assert.equal(SERVICE_NAME_MAX_LENGTH, 211);
    const service = serviceNameOf(SERVICE_NAME_MAX_LENGTH);
    assert.equal(ServiceNameSchema.safeParse(service).success, true);
    for (const id of [workflowIdFor(service), `plan/${service}/${randomUUID()}`, `verify/${service}/${randomUUID()}`])
      assert.ok(id.length <= 255, `${id.length}: ${id.slice(0, 40)}…`);
  });

  it('accepts a real name of the longest parts Google allows (project 30, service id 63)', () => {
    const service = `projects/${'p'.repeat(30)}/locations/northamerica-northeast1/services/${'s'.repeat(63)}`;
    assert.equal(ServiceNameSchema.safeParse(service).success, true);
  });

  it('refuses one character more in a request, naming the field and the limit', () => {
    const service = serviceNameOf(SERVICE_NAME_MAX_LENGTH + 1);
    const parsed = MigrationRequestSchema.safeParse({ service, migrationExecution: {} });
    assert.equal(parsed.success, false);
    const message = parsed.success ? '' : formatIssues(parsed.error);
    assert.match(message, /service: .*is 212 characters; at most 211/);
  });
});

describe('Keyword values the workflow upserts', () => {
  it('keeps a known value, and cuts an unknown API state to 255 characters', () => {
    assert.equal(keywordValue('RUNNING'), 'RUNNING');
    assert.equal(keywordValue('X'.repeat(300)), 'X'.repeat(255));
  });
});

describe("a bulk decision's update ids", () => {
  it('keep <bulk>/<service> when it fits 255 characters, and fall back to the bulk id alone when not', () => {
    const bulk = `bulk/${'r'.repeat(63)}/${randomUUID()}`;
    const short = 'projects/p-123456/locations/us-central1/services/hms';
    assert.equal(memberUpdateId(bulk, short), `${bulk}/${short}`);
    const long = serviceNameOf(SERVICE_NAME_MAX_LENGTH);
    assert.ok(`${bulk}/${long}`.length > 255);
    assert.equal(memberUpdateId(bulk, long), bulk);
  });
});
