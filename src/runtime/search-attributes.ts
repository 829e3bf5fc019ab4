// The worker checks at start that its namespace has every search attribute the workflow upserts: an upsert of
// an unregistered one fails each workflow task until someone registers it, which would stall every migration
// the worker runs. Refusing to start names the missing ones and the command that registers them.
import type { NativeConnection } from '@temporalio/worker';
import { SEARCH_ATTRIBUTE_KEYS, SEARCH_ATTRIBUTE_TYPE_NAMES } from '../workflows/messages';

export type SearchAttributeCheck = { missing: string[] } | { unchecked: string };

/** The workflow's search attributes not registered in `namespace`, or why that could not be listed. */
export async function checkSearchAttributes(
  connection: NativeConnection,
  namespace: string,
): Promise<SearchAttributeCheck> {
  try {
    const response = await connection.operatorService.listSearchAttributes({ namespace });
    const registered = new Set(Object.keys(response.customAttributes ?? {}));
    return { missing: SEARCH_ATTRIBUTE_KEYS.map((key) => key.name).filter((name) => !registered.has(name)) };
  } catch (err) {
    // Some hosted servers do not let a worker's credentials list them (Temporal Cloud manages them elsewhere).
    return { unchecked: err instanceof Error ? err.message : String(err) };
  }
}

/** What the worker says when attributes are missing: which, and how to register them. */
export function missingAttributesMessage(namespace: string, missing: readonly string[]): string {
  // Each with its own type (RolloutWave is an Int; the rest are Keyword).
  const typeOf = (name: string) => {
    const key = SEARCH_ATTRIBUTE_KEYS.find((k) => k.name === name);
    return key ? SEARCH_ATTRIBUTE_TYPE_NAMES[key.type] : 'Keyword';
  };
  const commands = missing.map(
    (name) =>
      `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${typeOf(name)}`,
  );
  return (
    `the namespace ${namespace} lacks the search attribute(s) ${missing.join(', ')}, which the migration workflow ` +
    `sets: its workflow tasks would fail until they exist. Register them first:\n  ${commands.join('\n  ')}`
  );
}
