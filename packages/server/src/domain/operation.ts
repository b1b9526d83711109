// The shape of every write operation: check, ask the before-callbacks (outside any transaction: a
// business server may take seconds), then one write transaction that checks again, re-reads what
// the decision rested on, writes and reports its after-callbacks in the outbox. An operation with
// nothing to ask checks and writes in one transaction.

import { args } from '../errors.js';
import type { Repos, Store } from '../storage/store.js';

/** Decisions at most, when the facts keep changing under the before-callbacks, before refusing. */
export const DECISION_ROUNDS = 3;

const DONE = Symbol('done');
/** A decision that ends the operation without a write (every invitee refused). */
export interface Done<R> {
  [DONE]: R;
}
export const done = <R>(result: R): Done<R> => ({ [DONE]: result });
const isDone = <R>(d: unknown): d is Done<R> => typeof d === 'object' && d !== null && DONE in d;

/** The steps every write operation has: its checks, then its write and after-callbacks. */
interface Steps<F, D, R> {
  /**
   * The checks, and the facts the operation needs: run before asking (`decided` undefined) and
   * again in the write transaction (with the decision, which may have changed what to check).
   */
  check(tx: Repos, decided: D | undefined): Promise<F>;
  /** The write and its after-callbacks, from the transaction's facts; `decided` undefined when nothing was asked. */
  write(tx: Repos, facts: F, decided: D | undefined): Promise<R>;
}

/** An operation that may ask before-callbacks. */
export interface AskingOperation<F, D, R> extends Steps<F, D, R> {
  /** What the decision is about, for the error when it keeps going stale. */
  what: string;
  /** Whether a before-callback may be asked; if not, the write runs once, checked in its transaction. */
  asks: boolean;
  /** Asks the before-callbacks from the facts; the decision carries their answers. */
  decide(facts: F): Promise<D | Done<R>>;
  /**
   * What the decision rested on (say, whether a join is direct, which decides whether
   * beforeMemberJoinGroup is asked), compared as JSON before and in the write transaction.
   */
  basis?(facts: F): unknown;
}

/** An operation no before-callback is declared for: checked and written in one transaction. */
export interface PlainOperation<F, R> extends Steps<F, never, R> {
  asks: false;
}

/**
 * Runs an operation. When the basis changed between the decision and the write, nothing is written
 * and the callbacks are asked again from the new facts, up to DECISION_ROUNDS times, then the
 * request is refused: a concurrent change can never carry a request past a callback that was not
 * asked, or that refused.
 */
export function runOperation<F, R>(store: Store, op: PlainOperation<F, R>): Promise<R>;
export function runOperation<F, D, R>(store: Store, op: AskingOperation<F, D, R>): Promise<R>;
export async function runOperation<F, D, R>(
  store: Store,
  op: PlainOperation<F, R> | AskingOperation<F, D, R>,
): Promise<R> {
  if (!op.asks || !('decide' in op))
    return store.tx(async (tx) => op.write(tx, await op.check(tx, undefined), undefined));
  for (let n = 1; n <= DECISION_ROUNDS; n++) {
    const seen = await store.tx((tx) => op.check(tx, undefined));
    const decided = await op.decide(seen);
    if (isDone<R>(decided)) return decided[DONE];
    const result = await store.tx(async (tx) => {
      const facts = await op.check(tx, decided);
      if (op.basis && JSON.stringify(op.basis(facts)) !== JSON.stringify(op.basis(seen)))
        return { stale: true as const };
      return { stale: false as const, value: await op.write(tx, facts, decided) };
    });
    if (!result.stale) return result.value;
  }
  throw args(`${op.what} changed while the business server was asked, ${DECISION_ROUNDS} times in a row; try again`);
}
