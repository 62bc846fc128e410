import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * No import cycles between the folders of src/ (type-only imports included: they tie the folders as
 * much for a reader). A folder is a room; a cycle means neither can be understood or moved alone.
 */
const SRC = resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(path);
    }
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The top-level folder of src/ a file lives in ('.' for files at the root). */
function folderOf(path: string): string {
  const parts = relative(SRC, path).split('/');
  return parts.length > 1 ? parts[0] : '.';
}

/** folder → folder → the first import that ties them (for the failure message). */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SRC)) {
    for (const [statement, specifier] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
      const from = folderOf(file);
      const to = folderOf(resolve(dirname(file), specifier));
      if (from !== to) {
        const edges = graph.get(from) ?? new Map<string, string>();
        graph.set(from, edges);
        if (!edges.has(to)) {
          edges.set(to, `${relative(SRC, file)}: ${statement.split('\n')[0]}`);
        }
      }
    }
  }
  return graph;
}

/** Tarjan's strongly connected components with more than one folder: each is a cycle. */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) {
        found.push(component);
      }
    }
  };
  for (const v of graph.keys()) {
    if (!index.has(v)) {
      visit(v);
    }
  }
  return found;
}

describe('module graph', () => {
  it('has no import cycle between folders of src/', () => {
    const graph = folderGraph();
    const report = cycles(graph).map((component) =>
      component
        .flatMap((a) => [...(graph.get(a) ?? [])].filter(([b]) => component.includes(b)).map(([b, why]) => `${a} -> ${b} (${why})`))
        .join('\n'),
    );
    expect(report).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', new Map([['b', 'x']])],
      ['b', new Map([['c', 'y']])],
      ['c', new Map([['a', 'z']])],
      ['d', new Map([['a', 'w']])],
    ]);
    expect(cycles(graph).map((c) => c.sort())).toEqual([['a', 'b', 'c']]);
  });
});
