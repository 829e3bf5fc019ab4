// The worker's start-up check, as pure functions: which of the workflow's search attributes a namespace lacks or
// has with another type, whether SQL visibility's 10 Keyword columns leave room, and the message with its commands.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  WANTED_ATTRIBUTES,
  compareSearchAttributes,
  namespaceCheckMessage,
  type NamespaceAttributes,
} from '../../src/runtime/search-attributes';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/messages';

const KEYWORD = 2;
const INT = 3;
const TEXT = 1;

/** Every wanted attribute registered with its type, on SQL columns as the dev server and PostgreSQL assign them. */
function allRegistered(): NamespaceAttributes {
  const registered: NamespaceAttributes['registered'] = {};
  const aliases: NamespaceAttributes['aliases'] = {};
  let keyword = 0;
  for (const attribute of WANTED_ATTRIBUTES) {
    registered[attribute.name] = attribute.type === 'INT' ? INT : KEYWORD;
    aliases[attribute.type === 'INT' ? 'Int01' : `Keyword0${++keyword}`] = attribute.name;
  }
  return { registered, aliases };
}

describe('compareSearchAttributes', () => {
  it('wants every attribute the workflow upserts: 7 Keyword and RolloutWave as an Int', () => {
    assert.deepEqual(
      WANTED_ATTRIBUTES.map((a) => a.name),
      SEARCH_ATTRIBUTE_KEYS.map((key) => key.name),
    );
    assert.equal(WANTED_ATTRIBUTES.filter((a) => a.type === 'KEYWORD').length, 7);
    assert.deepEqual(
      WANTED_ATTRIBUTES.filter((a) => a.type === 'INT').map((a) => a.name),
      ['RolloutWave'],
    );
  });

  it('finds nothing wrong when every attribute is registered with its type', () => {
    const check = compareSearchAttributes(WANTED_ATTRIBUTES, allRegistered());
    assert.deepEqual(check, { missing: [], mistyped: [], keywordColumns: { taken: 7, needed: 0 } });
  });

  it('names the missing ones and those registered with another type (numbers or enum names)', () => {
    const namespace = allRegistered();
    delete namespace.registered.SourceHealth;
    delete namespace.registered.RolloutWave;
    namespace.registered.MigrationStage = 'INDEXED_VALUE_TYPE_TEXT';
    namespace.registered.RolloutId = TEXT;
    const check = compareSearchAttributes(WANTED_ATTRIBUTES, namespace);
    assert.deepEqual(
      check.missing.map((a) => a.name),
      ['SourceHealth', 'RolloutWave'],
    );
    assert.deepEqual(
      check.mistyped.map((a) => [a.name, a.registeredAs]),
      [
        ['MigrationStage', 'Text'],
        ['RolloutId', 'Text'],
      ],
    );
  });

  it('reads SQL visibility from the KeywordNN columns and counts them; Elasticsearch has no columns', () => {
    const sql = compareSearchAttributes(WANTED_ATTRIBUTES, {
      registered: { Team: KEYWORD, Owner: KEYWORD, Size: INT },
      aliases: { Keyword04: 'Team', Keyword09: 'Owner', Int02: 'Size' },
    });
    assert.deepEqual(sql.keywordColumns, { taken: 2, needed: 7 });
    const elastic = compareSearchAttributes(WANTED_ATTRIBUTES, { registered: { Team: KEYWORD }, aliases: {} });
    assert.equal(elastic.keywordColumns, undefined);
    assert.equal(elastic.missing.length, 8);
  });
});

describe('namespaceCheckMessage', () => {
  it('says nothing when the namespace is ready, or when it could not be checked', () => {
    assert.equal(namespaceCheckMessage('ns', { kind: 'ready' }), undefined);
    assert.equal(namespaceCheckMessage('ns', { kind: 'unchecked', reason: 'PERMISSION_DENIED' }), undefined);
  });

  it('gives the namespace create and every attribute create for a namespace that does not exist', () => {
    const message = namespaceCheckMessage('migrations', { kind: 'no-namespace' }) ?? '';
    const commands = message.split('\n').slice(1);
    assert.match(message, /^the namespace migrations does not exist/);
    assert.deepEqual(commands, [
      '  temporal operator namespace create --namespace migrations',
      ...WANTED_ATTRIBUTES.map(
        (a) =>
          `  temporal operator search-attribute create --namespace migrations --name ${a.name} ` +
          `--type ${a.type === 'INT' ? 'Int' : 'Keyword'}`,
      ),
    ]);
  });

  it('names what is missing or mistyped and the commands that fix it, removing a mistyped one first', () => {
    const namespace = allRegistered();
    delete namespace.registered.MigrationOutcome;
    delete namespace.registered.RolloutWave;
    namespace.registered.RolloutId = TEXT;
    const check = compareSearchAttributes(WANTED_ATTRIBUTES, namespace);
    const message = namespaceCheckMessage('team-a', { kind: 'attributes', check }) ?? '';
    assert.match(message, /lacks the search attribute\(s\) MigrationOutcome, RolloutWave/);
    assert.match(message, /has RolloutId registered as Text where the workflow sets a Keyword/);
    assert.doesNotMatch(message, /do not fit/);
    assert.deepEqual(message.split('\n').slice(1), [
      '  temporal operator search-attribute remove --namespace team-a --name RolloutId --yes',
      '  temporal operator search-attribute create --namespace team-a --name RolloutId --type Keyword',
      '  temporal operator search-attribute create --namespace team-a --name MigrationOutcome --type Keyword',
      '  temporal operator search-attribute create --namespace team-a --name RolloutWave --type Int',
    ]);
  });

  it("says when SQL visibility's 10 Keyword columns cannot hold the missing Keywords", () => {
    const others = ['A', 'B', 'C', 'D'];
    const namespace: NamespaceAttributes = {
      registered: Object.fromEntries(others.map((name) => [name, KEYWORD])),
      aliases: Object.fromEntries(others.map((name, i) => [`Keyword0${i + 1}`, name])),
    };
    const check = compareSearchAttributes(WANTED_ATTRIBUTES, namespace);
    const message = namespaceCheckMessage('shared', { kind: 'attributes', check }) ?? '';
    assert.match(message, /SQL visibility, which has 10 Keyword columns per namespace: 4 are taken, so the 7 Keyword/);
    // Three other Keywords leave exactly room for the project's seven.
    delete namespace.registered.D;
    delete namespace.aliases.Keyword04;
    const fits = compareSearchAttributes(WANTED_ATTRIBUTES, namespace);
    assert.doesNotMatch(namespaceCheckMessage('shared', { kind: 'attributes', check: fits }) ?? '', /do not fit/);
  });
});
