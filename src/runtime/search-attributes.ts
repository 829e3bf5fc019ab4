// The worker checks at start that its namespace exists and has every search attribute the workflow upserts, with
// the type it upserts: an upsert of an unregistered (or differently typed) one fails each workflow task until
// someone fixes the namespace, which would stall every migration the worker runs. Refusing to start names what is
// wrong and the exact commands that fix it. The comparison and the message are pure (unit-tested); the I/O is in
// checkNamespace.
import type { NativeConnection } from '@temporalio/worker';
import { SEARCH_ATTRIBUTE_KEYS, SEARCH_ATTRIBUTE_TYPE_NAMES } from '../workflows/messages';

export interface WantedAttribute {
  name: string;
  type: keyof typeof SEARCH_ATTRIBUTE_TYPE_NAMES;
}

/** What the namespace holds: its custom attributes (name → IndexedValueType) and, on SQL visibility, their columns. */
export interface NamespaceAttributes {
  registered: Record<string, number | string>;
  /** describeNamespace's customSearchAttributeAliases: column (`Keyword03`) → attribute name. */
  aliases: Record<string, string>;
}

export interface AttributeCheck {
  missing: WantedAttribute[];
  mistyped: Array<WantedAttribute & { registeredAs: string }>;
  /**
   * SQL visibility only (its aliases name pre-made columns): Keyword columns taken and the missing Keywords. Each
   * namespace has 10 Keyword columns; the 11th create is refused, so a worker short of room must say so up front.
   */
  keywordColumns?: { taken: number; needed: number };
}

export type NamespaceCheck =
  | { kind: 'ready' }
  | { kind: 'no-namespace' }
  | { kind: 'attributes'; check: AttributeCheck }
  /** The credentials may not read the namespace or its attributes (Temporal Cloud API keys often may not). */
  | { kind: 'unchecked'; reason: string };

/** SQL visibility's Keyword columns per namespace (PostgreSQL, MySQL and SQLite schemas: Keyword01–Keyword10). */
export const SQL_KEYWORD_COLUMNS = 10;
/** The columns SQL visibility maps custom attributes to; Elasticsearch has none, so the aliases stay empty there. */
const SQL_COLUMN = /^(?:Keyword|KeywordList|Text|Int|Double|Bool|Datetime)\d{2}$/;

/** The CLI's type names for the API's IndexedValueType (a number, or its enum name as JSON spells it). */
const INDEXED_VALUE_TYPES: Record<number, string> = {
  1: 'Text',
  2: 'Keyword',
  3: 'Int',
  4: 'Double',
  5: 'Bool',
  6: 'Datetime',
  7: 'KeywordList',
};

function typeName(value: number | string): string {
  if (typeof value === 'number') return INDEXED_VALUE_TYPES[value] ?? `type ${value}`;
  const spelled = Object.values(INDEXED_VALUE_TYPES).find(
    (name) => `INDEXED_VALUE_TYPE_${name.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toUpperCase()}` === value,
  );
  return spelled ?? value;
}

/** The attributes the migration workflow upserts (src/workflows/visibility.ts), with their types. */
export const WANTED_ATTRIBUTES: readonly WantedAttribute[] = SEARCH_ATTRIBUTE_KEYS.map((key) => ({
  name: key.name,
  type: key.type,
}));

export function compareSearchAttributes(
  wanted: readonly WantedAttribute[],
  namespace: NamespaceAttributes,
): AttributeCheck {
  const missing = wanted.filter((attribute) => !(attribute.name in namespace.registered));
  const mistyped = wanted.flatMap((attribute) => {
    const registered = namespace.registered[attribute.name];
    if (registered === undefined) return [];
    const registeredAs = typeName(registered);
    return registeredAs === SEARCH_ATTRIBUTE_TYPE_NAMES[attribute.type] ? [] : [{ ...attribute, registeredAs }];
  });
  const columns = Object.keys(namespace.aliases);
  const sql = columns.some((column) => SQL_COLUMN.test(column));
  // A mistyped Keyword needs a Keyword column too once re-created; a mistyped one that is a Keyword frees none.
  const needed = [...missing, ...mistyped].filter((attribute) => attribute.type === 'KEYWORD').length;
  const taken = columns.filter((column) => /^Keyword\d{2}$/.test(column)).length;
  return { missing, mistyped, ...(sql && { keywordColumns: { taken, needed } }) };
}

export function isReady(check: AttributeCheck): boolean {
  return check.missing.length === 0 && check.mistyped.length === 0;
}

/** Why the worker refuses to start, with the commands that fix it; undefined when it may start. */
export function namespaceCheckMessage(namespace: string, result: NamespaceCheck): string | undefined {
  const create = (attribute: WantedAttribute) =>
    `temporal operator search-attribute create --namespace ${namespace} --name ${attribute.name} ` +
    `--type ${SEARCH_ATTRIBUTE_TYPE_NAMES[attribute.type]}`;
  if (result.kind === 'no-namespace') {
    return (
      `the namespace ${namespace} does not exist. Create it and register the search attributes the migration ` +
      `workflow sets (usable about 2 s later), then start the worker again:\n  ` +
      [`temporal operator namespace create --namespace ${namespace}`, ...WANTED_ATTRIBUTES.map(create)].join('\n  ')
    );
  }
  if (result.kind !== 'attributes' || isReady(result.check)) return undefined;
  const { missing, mistyped, keywordColumns } = result.check;
  const lines: string[] = [];
  if (missing.length > 0) lines.push(`lacks the search attribute(s) ${missing.map((a) => a.name).join(', ')}`);
  for (const attribute of mistyped)
    lines.push(
      `has ${attribute.name} registered as ${attribute.registeredAs} where the workflow sets a ` +
        `${SEARCH_ATTRIBUTE_TYPE_NAMES[attribute.type]}`,
    );
  if (keywordColumns && keywordColumns.taken + keywordColumns.needed > SQL_KEYWORD_COLUMNS)
    lines.push(
      `uses SQL visibility, which has ${SQL_KEYWORD_COLUMNS} Keyword columns per namespace: ${keywordColumns.taken} ` +
        `are taken, so the ${keywordColumns.needed} Keyword attribute(s) needed do not fit — remove unused ones ` +
        `first (temporal operator search-attribute list --namespace ${namespace}) or use another namespace`,
    );
  const commands = [
    // A registered attribute cannot change type: remove it (its values go with it), then create it again.
    ...mistyped.flatMap((attribute) => [
      `temporal operator search-attribute remove --namespace ${namespace} --name ${attribute.name} --yes`,
      create(attribute),
    ]),
    ...missing.map(create),
  ];
  return (
    `the namespace ${namespace} ${lines.join('; ')}. The migration workflow sets these: its workflow tasks would ` +
    `fail until they exist with their types. Register them first (usable about 2 s later), then start the worker ` +
    `again:\n  ${commands.join('\n  ')}`
  );
}

/** gRPC status codes under which the worker cannot check and goes on: PERMISSION_DENIED, UNIMPLEMENTED. */
const CANNOT_CHECK = new Set([7, 12]);
const NOT_FOUND = 5;

/** Reads the namespace and its search attributes and compares them with what the workflow upserts. */
export async function checkNamespace(connection: NativeConnection, namespace: string): Promise<NamespaceCheck> {
  const grpcCode = (err: unknown) => (err as { code?: unknown }).code;
  const unchecked = (err: unknown): NamespaceCheck => ({
    kind: 'unchecked',
    reason: err instanceof Error ? err.message : String(err),
  });
  let aliases: Record<string, string>;
  try {
    const described = await connection.workflowService.describeNamespace({ namespace });
    aliases = { ...(described.config?.customSearchAttributeAliases ?? {}) };
  } catch (err) {
    if (grpcCode(err) === NOT_FOUND) return { kind: 'no-namespace' };
    if (CANNOT_CHECK.has(grpcCode(err) as number)) return unchecked(err);
    throw err;
  }
  try {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    const registered = { ...(listed.customAttributes ?? {}) } as Record<string, number | string>;
    const check = compareSearchAttributes(WANTED_ATTRIBUTES, { registered, aliases });
    return isReady(check) ? { kind: 'ready' } : { kind: 'attributes', check };
  } catch (err) {
    // The operator service is the one hosted offerings restrict (a Temporal Cloud API key may lack the role).
    if (CANNOT_CHECK.has(grpcCode(err) as number)) return unchecked(err);
    throw err;
  }
}
