// The retry around transactions: transient failures run again, a bounded number of times; any other
// failure, and the last transient one, reach the caller unchanged.

import { describe, expect, it } from 'vitest';
import { isPostgresTransient, isSqliteTransient, retryTransient, TX_ATTEMPTS } from './tx-retry.js';

const fail = (code: string) => Object.assign(new Error(code), { code });
const noWait = () => 0;

describe('retryTransient', () => {
  it('runs again after a deadlock or serialization failure and returns the result', async () => {
    const errors = [fail('40P01'), fail('40001')];
    let runs = 0;
    const result = await retryTransient(
      async () => {
        runs++;
        const err = errors.shift();
        if (err) throw err;
        return 'done';
      },
      isPostgresTransient,
      noWait,
    );
    expect([result, runs]).toEqual(['done', 3]);
  });

  it(`gives up after ${TX_ATTEMPTS} attempts with the last error`, async () => {
    let runs = 0;
    const attempt = async () => {
      runs++;
      throw fail('SQLITE_BUSY');
    };
    await expect(retryTransient(attempt, isSqliteTransient, noWait)).rejects.toThrow('SQLITE_BUSY');
    expect(runs).toBe(TX_ATTEMPTS);
  });

  it('does not run again after any other failure', async () => {
    let runs = 0;
    const attempt = async () => {
      runs++;
      throw fail('23505');
    };
    await expect(retryTransient(attempt, isPostgresTransient, noWait)).rejects.toThrow('23505');
    expect(runs).toBe(1);
    expect([
      isSqliteTransient(fail('SQLITE_BUSY_SNAPSHOT')),
      isSqliteTransient(fail('SQLITE_CONSTRAINT_UNIQUE')),
      isPostgresTransient(undefined),
    ]).toEqual([true, false, false]);
  });
});
