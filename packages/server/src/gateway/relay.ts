// Pushes and kicks for the clients of other instances on the same database, over the instances'
// message bus (cluster-signals.ts: PostgreSQL LISTEN/NOTIFY). A stored message travels as a
// reference (conversation and seq range; the receiving instance reads it from the database, so
// size never matters); an online-only message, which is stored nowhere, travels whole. Items
// queued in one turn of the event loop go out together, up to the bus's payload limit.

import { MAX_MESSAGE_BYTES, type Signals } from '../cluster-signals.js';
import type { MessageRecord } from '../storage/records.js';

export type RelayItem =
  /** Stored messages: seqs from..to of a conversation. */
  | { k: 'seqs'; c: string; from: number; to: number; op: string }
  /** An online-only message (seq 0). */
  | { k: 'live'; m: MessageRecord; op: string }
  /** A login on (u, p): connections of that platform with another token (th: its hash) are replaced. */
  | { k: 'login'; u: string; p: number; th: string }
  /** force_logout of (u, p). */
  | { k: 'logout'; u: string; p: number }
  /** u's online state changed. */
  | { k: 'status'; u: string };

export class Relay {
  private queue: string[] = [];
  private flushing = false;

  constructor(
    private readonly bus: Signals,
    private readonly onDropped: (item: RelayItem, bytes: number) => void,
  ) {}

  onItems(listener: (items: RelayItem[]) => void): void {
    this.bus.onMessage('gateway', (payload) => {
      let items: unknown;
      try {
        items = JSON.parse(payload);
      } catch {
        return;
      }
      if (Array.isArray(items)) listener(items as RelayItem[]);
    });
  }

  send(item: RelayItem): void {
    const json = JSON.stringify(item);
    // The array's brackets and a comma around it.
    if (Buffer.byteLength(json) + 2 > MAX_MESSAGE_BYTES) {
      this.onDropped(item, Buffer.byteLength(json));
      return;
    }
    this.queue.push(json);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushing = false;
    const items = this.queue;
    this.queue = [];
    let batch: string[] = [];
    let bytes = 2;
    for (const json of items) {
      const size = Buffer.byteLength(json) + 1;
      if (bytes + size > MAX_MESSAGE_BYTES && batch.length > 0) {
        this.bus.send('gateway', `[${batch.join(',')}]`);
        batch = [];
        bytes = 2;
      }
      batch.push(json);
      bytes += size;
    }
    if (batch.length > 0) this.bus.send('gateway', `[${batch.join(',')}]`);
  }
}

/** The relay items of committed messages: a range per run of consecutive seqs, online-only ones whole. */
export function itemsOf(messages: readonly MessageRecord[], op: string): RelayItem[] {
  const out: RelayItem[] = [];
  let run: { k: 'seqs'; c: string; from: number; to: number; op: string } | undefined;
  for (const m of messages) {
    if (m.seq === 0) {
      out.push({ k: 'live', m, op });
      run = undefined;
    } else if (run && run.c === m.conversationID && run.to + 1 === m.seq) {
      run.to = m.seq;
    } else {
      run = { k: 'seqs', c: m.conversationID, from: m.seq, to: m.seq, op };
      out.push(run);
    }
  }
  return out;
}
