import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { WORKFLOW_PRELOAD_MODULES } from '../../worker/bundle-options';

// The worker evaluates the modules it preloads (worker/bundle-options.ts) once and shares them with
// every workflow it runs. Module state there would leak from one credential's run into another's and
// break replay. Every project module they reach, by runtime imports, must hold no state of its own:
// no top-level `let`/`var`, no top-level collection it could fill. The one exception is a memo cache
// of a pure function, listed below with why its contents cannot differ between workflows.

const root = path.join(__dirname, '../..');

/** `file:name` of each deterministic memo cache (same key, same value, in every workflow). */
const DETERMINISTIC_CACHES = new Set([
  'rules/calendar.ts:epochDays', // a date's day number
  'rules/calendar.ts:formatters', // one Intl formatter per time zone
  'rules/calendar.ts:localTimes', // a (zone, second)'s wall-clock time
  'rules/calendar.ts:instants', // a (day, time, zone)'s instant
]);

const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array']);

function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null; // a package: the SDK, zod (see bundle-options.ts)
  const base = path.resolve(path.dirname(from), specifier);
  const file = [`${base}.ts`, path.join(base, 'index.ts'), base].find(
    (f) => existsSync(f) && f.endsWith('.ts'),
  );
  if (!file) throw new Error(`${path.relative(root, from)} imports ${specifier}, which is not a .ts file`);
  return file;
}

/**
 * Relative modules a file may load at run time. Only `import type` and `export type` are certainly
 * erased; an import whose every name is a type may still be kept for its side effects, so it counts.
 */
function runtimeImports(file: string, source: ts.SourceFile): string[] {
  const found: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) {
      found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return found.flatMap((specifier) => resolve(file, specifier) ?? []);
}

function isMutableCollection(init: ts.Expression | undefined): boolean {
  if (!init) return false;
  if (ts.isNewExpression(init) && ts.isIdentifier(init.expression))
    return COLLECTIONS.has(init.expression.text);
  return ts.isArrayLiteralExpression(init) && init.elements.length === 0;
}

/** Top-level state in one module: `let`/`var`, or a collection that starts empty or is a Map/Set. */
function stateIn(file: string, source: ts.SourceFile): string[] {
  const relative = path.relative(root, file);
  const state: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const declaration of list.declarations) {
      const name = declaration.name.getText(source);
      const where = `${relative}:${name}`;
      if (!isConst) state.push(`${where} (top-level ${list.flags & ts.NodeFlags.Let ? 'let' : 'var'})`);
      else if (isMutableCollection(declaration.initializer) && !DETERMINISTIC_CACHES.has(where)) {
        state.push(`${where} (a top-level collection)`);
      }
    }
  }
  return state;
}

/** Every project module the given entry points reach at run time. */
function reachable(entries: readonly string[]): Map<string, ts.SourceFile> {
  const seen = new Map<string, ts.SourceFile>();
  const queue = entries.filter((e) => e.startsWith(root) && e.endsWith('.ts'));
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    seen.set(file, source);
    queue.push(...runtimeImports(file, source));
  }
  return seen;
}

describe('modules the worker preloads and shares between workflows', () => {
  const modules = reachable(WORKFLOW_PRELOAD_MODULES);

  it('reach the workflow engine and the rules (so this check covers what is shared)', () => {
    const names = [...modules.keys()].map((f) => path.relative(root, f));
    expect(names).toEqual(
      expect.arrayContaining([
        'workflows/cycle/run.ts',
        'workflows/cycle/handlers.ts',
        'workflows/messages.ts',
        'rules/calendar.ts',
        'observability/workflow-interceptors.ts',
      ]),
    );
  });

  it('hold no state of their own, beyond the listed deterministic caches', () => {
    const state = [...modules].flatMap(([file, source]) => stateIn(file, source));
    expect(state).toEqual([]);
  });

  it('name the caches they keep, so a stale entry in the list is noticed', () => {
    const present = new Set(
      [...modules].flatMap(([file, source]) =>
        source.statements
          .filter(ts.isVariableStatement)
          .flatMap((s) => s.declarationList.declarations)
          .map((d) => `${path.relative(root, file)}:${d.name.getText(source)}`),
      ),
    );
    expect([...DETERMINISTIC_CACHES].filter((c) => !present.has(c))).toEqual([]);
  });
});
