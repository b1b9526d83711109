import { execFileSync } from 'node:child_process';
import { ROOT } from './workdir.js';

export interface GitState {
  commit: string;
  modifiedFiles: number;
}

/** The commit measured, and how many files differ from it (the bench runs the working tree). */
export function gitState(): GitState | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' });
    return { commit, modifiedFiles: status.split('\n').filter(Boolean).length };
  } catch {
    return undefined;
  }
}
