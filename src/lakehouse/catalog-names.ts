// Lakehouse catalog names (R4: project-scoped, no location) and the URL paths built from them. A name is checked
// before anything is sent, and every segment is percent-encoded, so a database or table name can never step
// into another path.
const CATALOG = /^projects\/([a-z0-9](?:[a-z0-9.:-]{0,61}[a-z0-9])?)\/catalogs\/([a-zA-Z0-9][a-zA-Z0-9_.-]{0,62})$/;

export function parseCatalogName(name: string): { project: string; catalog: string } | undefined {
  const match = CATALOG.exec(name);
  return match ? { project: match[1]!, catalog: match[2]! } : undefined;
}

export function isCatalogName(name: string): boolean {
  return CATALOG.test(name);
}

/** `projects/p/catalogs/c` with each id encoded (a project id may hold ':'). */
export function catalogPath(name: string): string {
  const parts = parseCatalogName(name);
  if (!parts) throw new Error(`'${name}' is not a catalog name (projects/{project}/catalogs/{catalog})`);
  return `projects/${encodeURIComponent(parts.project)}/catalogs/${encodeURIComponent(parts.catalog)}`;
}

export const segment = encodeURIComponent;
