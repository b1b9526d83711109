// The layering the source promises (CONTRIBUTING.md): no import cycles; HTTP reaches the store only
// through domain services; the domain knows callbacks only through its port (the webhook module
// implements it); all SQL, and every database driver, lives in storage/. Read off the import graph
// (dependency-cruiser, type-only imports included) and the source text.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type IModule, type IViolation } from 'dependency-cruiser';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVER = 'packages/server/src';
const SOURCES = [SERVER, 'packages/protocol/src', 'packages/receiver/src'];

/** Each rule names the files it forbids; the test reports the imports that break it. */
const RULES = [
  { name: 'no-cycle', from: {}, to: { circular: true } },
  { name: 'http-not-storage', from: { path: `^${SERVER}/http/` }, to: { path: `^${SERVER}/storage/` } },
  { name: 'domain-not-webhooks', from: { path: `^${SERVER}/domain/` }, to: { path: `^${SERVER}/callbacks/` } },
  {
    name: 'drivers-only-in-storage',
    from: { pathNot: `^${SERVER}/storage/` },
    to: { path: '(^|/)node_modules/(kysely|pg|better-sqlite3)/' },
  },
  // OpenIM's client SDKs are test-only devDependencies (@openim/client-sdk is GPL-3.0-only).
  { name: 'no-client-sdks', from: {}, to: { path: '(^|/)node_modules/@openim/' } },
];

/** SQL statements, upper case as written for the engines (prose says "select" or "update" in lower case). */
const SQL = /\b(SELECT\s.*\bFROM|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b/;

let modules: IModule[];
let violations: IViolation[];

beforeAll(async () => {
  const result = await cruise(SOURCES, {
    baseDir: ROOT,
    validate: true,
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.tsx?$' },
    ruleSet: { forbidden: RULES.map((r) => ({ ...r, severity: 'error' as const })) },
  });
  if (typeof result.output === 'string') throw new Error('dependency-cruiser answered text, not a result');
  modules = result.output.modules;
  violations = result.output.summary.violations;
});

const broken = (rule: string) =>
  violations
    .filter((v) => v.rule.name === rule)
    .map((v) => (v.cycle ? [v.from, ...v.cycle.map((c) => c.name)].join(' -> ') : `${v.from} -> ${v.to}`));

describe('the import graph', () => {
  it('covers the sources and resolves every relative import', () => {
    const cruised = modules.filter((m) => SOURCES.some((s) => m.source.startsWith(`${s}/`)));
    expect(cruised.some((m) => m.source === `${SERVER}/domain/operation.ts`)).toBe(true);
    expect(cruised.length).toBeGreaterThan(100);
    // An import it could not resolve would drop out of the graph, and a cycle through it with it.
    const unresolved = cruised.flatMap((m) =>
      m.dependencies
        .filter((d) => d.couldNotResolve && d.module.startsWith('.'))
        .map((d) => `${m.source}: ${d.module}`),
    );
    expect(unresolved).toEqual([]);
  });

  it('has no cycle in the server, the protocol or the receiver', () => {
    expect(broken('no-cycle')).toEqual([]);
  });

  it('keeps HTTP off storage: routes and rate limits go through domain services', () => {
    expect(broken('http-not-storage')).toEqual([]);
  });

  it('keeps the domain off the webhook module: callbacks go through its CallbackPort', () => {
    expect(broken('domain-not-webhooks')).toEqual([]);
  });

  it('imports the database drivers and the query builder only in storage/', () => {
    expect(broken('drivers-only-in-storage')).toEqual([]);
  });

  it("never imports OpenIM's client SDKs, which only tests run", () => {
    expect(broken('no-client-sdks')).toEqual([]);
  });
});

describe('SQL', () => {
  it('is written only under storage/', () => {
    const files = (dir: string): string[] =>
      fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory()) return e.name === 'node_modules' ? [] : files(rel);
        return /\.tsx?$/.test(e.name) ? [rel] : [];
      });
    const sources = [...SOURCES, 'packages/console/src'].flatMap(files);
    expect(sources.length).toBeGreaterThan(100);
    const found = sources
      .filter((f) => !f.startsWith(`${SERVER}/storage/`))
      .flatMap((f) =>
        fs
          .readFileSync(path.join(ROOT, f), 'utf8')
          .split('\n')
          .flatMap((line, i) => (SQL.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(found).toEqual([]);
  });
});
