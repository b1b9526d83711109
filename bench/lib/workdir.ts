// Where the bench reads and writes: the repository root (children run there), the results
// directory, and the run's temp dir (logs, SQLite files, webhooks.yml files), removed at the end.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

let tmp: string | undefined;

/** A path in the run's temp dir, which is made on first use. */
export function tmpPath(name: string): string {
  tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-bench-'));
  return path.join(tmp, name);
}

export function removeTmpDir(): void {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}
