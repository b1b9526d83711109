// The console runs in a browser: it imports @huddle/protocol by subpath (/wire, /delivery-log, /live)
// so that no Node module, node:crypto above all (the protocol's signing), is in what it imports.
// Walks the import graph of packages/console/src, through the protocol's "source" exports.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const PACKAGES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PROTOCOL = path.join(PACKAGES, 'protocol');
const exportsMap = JSON.parse(fs.readFileSync(path.join(PROTOCOL, 'package.json'), 'utf8')).exports as Record<
  string,
  { source: string }
>;

/** The file an import specifier names, or the specifier itself when it is a package outside ours. */
function resolve(from: string, spec: string): string {
  if (spec.startsWith('@huddle/protocol')) {
    const entry = exportsMap[`.${spec.slice('@huddle/protocol'.length)}`];
    if (!entry) throw new Error(`${from} imports ${spec}, which @huddle/protocol does not export`);
    return path.join(PROTOCOL, entry.source);
  }
  if (!spec.startsWith('.')) return spec;
  const base = path.resolve(path.dirname(from), spec).replace(/\.js$/, '');
  const file = ['.ts', '.tsx', '/index.ts', '']
    .map((ext) => base + ext)
    .find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  if (!file) throw new Error(`${from}: cannot resolve ${spec}`);
  return file;
}

/** The Node modules reached from `entries`, as "file: node:module". */
function nodeModulesReached(entries: string[]): { seen: Set<string>; nodeImports: string[] } {
  const seen = new Set<string>();
  const nodeImports: string[] = [];
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      const target = resolve(file, spec!);
      if (target.startsWith('node:')) nodeImports.push(`${path.relative(PACKAGES, file)}: ${target}`);
      else if (path.isAbsolute(target)) queue.push(target);
    }
  }
  return { seen, nodeImports };
}

it('the console imports no Node module, directly or through @huddle/protocol', () => {
  const { seen, nodeImports } = nodeModulesReached(
    fs
      .readdirSync(path.join(PACKAGES, 'console/src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.tsx?$/.test(f))
      .map((f) => path.join(PACKAGES, 'console/src', f)),
  );
  expect([...seen].some((f) => f.startsWith(PROTOCOL))).toBe(true);
  expect(nodeImports).toEqual([]);
});

it('@huddle/protocol/callbacks (every declaration) needs no Node module: signing lives apart', () => {
  const { seen, nodeImports } = nodeModulesReached([resolve(PROTOCOL, '@huddle/protocol/callbacks')]);
  expect(seen.size).toBeGreaterThan(10);
  expect(nodeImports).toEqual([]);
});
