import { describe, expect, it } from 'vitest';
import { resolve, relative } from 'node:path';
import ts from 'typescript';

/**
 * Every type a public declaration names must itself be exported from
 * 'meshtax' (README, Library API: "every type the functions take, return or
 * throw is exported"): otherwise a caller building a topology in code cannot
 * write the type of, say, `MeshProfile.sidecar`. Walks the declarations
 * reachable from sim/index.ts and lists project types they name that the
 * entry point does not export.
 */
function unexportedTypes(): string[] {
  const entry = resolve('sim/index.ts');
  const program = ts.createProgram([entry], {
    strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022, types: ['node'], skipLibCheck: true, noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error('sim/index.ts did not load');
  const real = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const exports = checker.getExportsOfModule(moduleSymbol);
  const exported = new Set(exports.map(real));
  const ours = (d: ts.Declaration) => {
    const f = d.getSourceFile().fileName;
    return !f.includes('node_modules') && /\/(sim|reports)\//.test(f);
  };
  const missing = new Set<string>();
  const seen = new Set<ts.Symbol>();
  const visitNode = (node: ts.Node): void => {
    // Bodies are implementation, not the API's shape.
    if (ts.isBlock(node)) return;
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const name = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      const s = checker.getSymbolAtLocation(name);
      if (s) visitSymbol(s, true);
    }
    ts.forEachChild(node, visitNode);
  };
  const visitSymbol = (symbol: ts.Symbol, named: boolean): void => {
    const s = real(symbol);
    if (s.flags & ts.SymbolFlags.TypeParameter || seen.has(s)) return;
    const decls = (s.declarations ?? []).filter(ours);
    if (decls.length === 0) return;
    seen.add(s);
    if (named && !exported.has(s)) missing.add(`${s.getName()} (${relative('.', decls[0].getSourceFile().fileName)})`);
    for (const d of decls) visitNode(d);
  };
  for (const e of exports) visitSymbol(e, false);
  return [...missing].sort();
}

describe('the public API', () => {
  it('exports every type its declarations name', () => {
    // Names reached through `typeof` are values (COMPONENTS, behind `Component`), not types a caller imports: not walked.
    expect(unexportedTypes()).toEqual([]);
  }, 60_000);
});
