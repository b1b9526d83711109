// Tests that spawn huddle run the built dist/ (plain Node starts it in a fraction of tsx's time).
// Building here first means a test never runs stale JavaScript: `tsc -b` only redoes what changed
// (~2 s when nothing did).

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const once = globalThis as typeof globalThis & { huddleBuilt?: boolean };

/** Runs once per `vitest run`, however many projects list it. */
export default function setup(): void {
  if (once.huddleBuilt) return;
  once.huddleBuilt = true;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'packages/server/tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}
