// The relay's batches between instances: items arrive together, and a receiver notices a batch
// lost on the way, at the sender's next batch or at its heartbeat when nothing else follows.

import { describe, expect, it } from 'vitest';
import { noSignals, type Signals } from '../cluster-signals.js';
import { Relay, type RelayItem } from './relay.js';

/** Instances on one in-memory bus; `drop` loses the next n messages. */
function bus() {
  const listeners: { owner: object; fn: (p: string) => void }[] = [];
  const state = { drop: 0 };
  const signals = (owner: object): Signals => ({
    ...noSignals,
    send: (_channel, payload) => {
      if (state.drop > 0) {
        state.drop--;
        return;
      }
      for (const l of listeners) if (l.owner !== owner) queueMicrotask(() => l.fn(payload));
    },
    onMessage: (_channel, fn) => void listeners.push({ owner, fn }),
  });
  return { signals, state };
}

const item = (u: string): RelayItem => ({ k: 'status', u });

describe('the relay', () => {
  it('delivers the items of one turn in one batch, and a lost batch shows at the next', async () => {
    const b = bus();
    const a = new Relay(b.signals({}), 'a', () => {});
    const r = new Relay(b.signals({}), 'r', () => {});
    const got: RelayItem[][] = [];
    const gaps: string[] = [];
    let arrived!: () => void;
    r.onItems(
      (items) => {
        got.push(items);
        arrived();
      },
      (sender) => gaps.push(sender),
    );
    const next = () => new Promise<void>((resolve) => (arrived = resolve));

    let wait = next();
    a.send(item('u1'));
    a.send(item('u2'));
    await wait;
    expect(got).toEqual([[item('u1'), item('u2')]]);
    expect(gaps).toEqual([]);

    b.state.drop = 1;
    a.send(item('lost'));
    await new Promise((resolve) => setImmediate(resolve));
    wait = next();
    a.send(item('u3'));
    await wait;
    expect(got.at(-1)).toEqual([item('u3')]);
    expect(gaps).toEqual(['a']);
    a.close();
    r.close();
  });

  it("notices a lost last batch at the sender's heartbeat", async () => {
    const b = bus();
    const a = new Relay(b.signals({}), 'a', () => {}, 5);
    const r = new Relay(b.signals({}), 'r', () => {});
    let first!: () => void;
    const firstArrived = new Promise<void>((resolve) => (first = resolve));
    const gap = new Promise<string>((resolve) => r.onItems(() => first(), resolve));
    a.send(item('u1'));
    await firstArrived;
    b.state.drop = 1;
    a.send(item('lost'));
    expect(await gap).toBe('a');
    a.close();
    r.close();
  });

  it('drops an item too large for the bus and says so', () => {
    const dropped: number[] = [];
    const a = new Relay(noSignals, 'a', (_i, bytes) => dropped.push(bytes));
    a.send(item('x'.repeat(8000)));
    expect(dropped[0]).toBeGreaterThan(8000);
    a.close();
  });
});
