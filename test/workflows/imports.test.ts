// The workflow sandbox evaluates a workflow's modules once per cached workflow, so what workflow code imports at
// load time is paid for by every waiting migration: zod and our schemas are megabytes each time. This follows the
// value imports (not `import type`, not the deliberately lazy require in schemas-on-demand) from the workflows'
// entry point and checks that none reaches zod.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const root = join(__dirname, '..', '..');

/** Module specifiers a file imports for their values at load time. */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found: string[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause?.isTypeOnly) continue;
      const bindings = clause?.namedBindings;
      const onlyTypes =
        clause !== undefined &&
        clause.name === undefined &&
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        bindings.elements.every((element) => element.isTypeOnly);
      if (!onlyTypes) found.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      found.push((node.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return found;
}

function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

/** Every path from the entry to a package import, as `a.ts → b.ts → package`. */
function packagePaths(entry: string): Map<string, string> {
  const reached = new Map<string, string>();
  const seen = new Set<string>();
  const walk = (file: string, trail: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of valueImports(file)) {
      const local = resolveLocal(file, specifier);
      const here = [...trail, relative(root, file)];
      if (local) walk(local, here);
      else if (!reached.has(specifier)) reached.set(specifier, [...here, specifier].join(' → '));
    }
  };
  walk(entry, []);
  return reached;
}

describe('workflow code imports', () => {
  const reached = packagePaths(join(root, 'src', 'workflows', 'index.ts'));

  it('reaches no zod at load time', () => {
    const zod = [...reached].filter(([specifier]) => specifier === 'zod' || specifier.startsWith('zod/'));
    assert.deepEqual(
      zod.map(([, path]) => path),
      [],
    );
  });

  it('reaches only the Temporal workflow packages', () => {
    // A sanity check on the walk itself: it does see the SDK import every workflow file has.
    assert.ok(reached.has('@temporalio/workflow'));
    const others = [...reached.keys()].filter((specifier) => !specifier.startsWith('@temporalio/'));
    assert.deepEqual(others, []);
  });
});
