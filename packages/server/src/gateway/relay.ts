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

/** A batch on the bus: its sender, its number in the sender's sequence, its items (none: a heartbeat). */
interface Batch {
  i: string;
  n: number;
  b: RelayItem[];
}

/** Room for the batch's envelope around its items. */
const ENVELOPE_BYTES = 64;
/** How often a sender with nothing to send says how far it has counted (so a lost last batch shows). */
export const RELAY_HEARTBEAT_MS = 5000;

/**
 * Batches are numbered per sender, so a receiver notices one it missed (a NOTIFY that failed while
 * the connection stayed up) at the sender's next batch or heartbeat, and its clients resync.
 */
export class Relay {
  private queue: string[] = [];
  private flushing = false;
  private sent = 0;
  private sentSinceBeat = false;
  private readonly seen = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly bus: Signals,
    private readonly id: string,
    private readonly onDropped: (item: RelayItem, bytes: number) => void,
    heartbeatMs = RELAY_HEARTBEAT_MS,
  ) {
    this.timer = setInterval(() => this.beat(), heartbeatMs);
    this.timer.unref();
  }

  /** `onGap` is told when batches of another instance were lost on the way. */
  onItems(listener: (items: RelayItem[]) => void, onGap: (sender: string) => void): void {
    this.bus.onMessage('gateway', (payload) => {
      let batch: Batch;
      try {
        batch = JSON.parse(payload) as Batch;
      } catch {
        return;
      }
      if (typeof batch?.i !== 'string' || typeof batch.n !== 'number' || !Array.isArray(batch.b)) return;
      const last = this.seen.get(batch.i);
      // A data batch is the next number; a heartbeat repeats the last one sent.
      if (last !== undefined && batch.n > last + (batch.b.length > 0 ? 1 : 0)) onGap(batch.i);
      this.seen.set(batch.i, Math.max(last ?? 0, batch.n));
      if (batch.b.length > 0) listener(batch.b);
    });
  }

  send(item: RelayItem): void {
    const json = JSON.stringify(item);
    if (Buffer.byteLength(json) + ENVELOPE_BYTES > MAX_MESSAGE_BYTES) {
      this.onDropped(item, Buffer.byteLength(json));
      return;
    }
    this.queue.push(json);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  private publish(items: string[]): void {
    if (items.length > 0) this.sent++;
    this.sentSinceBeat = true;
    this.bus.send('gateway', `{"i":${JSON.stringify(this.id)},"n":${this.sent},"b":[${items.join(',')}]}`);
  }

  private beat(): void {
    if (!this.sentSinceBeat && this.sent > 0) this.publish([]);
    this.sentSinceBeat = false;
  }

  private flush(): void {
    this.flushing = false;
    const items = this.queue;
    this.queue = [];
    let batch: string[] = [];
    let bytes = ENVELOPE_BYTES;
    for (const json of items) {
      const size = Buffer.byteLength(json) + 1;
      if (bytes + size > MAX_MESSAGE_BYTES && batch.length > 0) {
        this.publish(batch);
        batch = [];
        bytes = ENVELOPE_BYTES;
      }
      batch.push(json);
      bytes += size;
    }
    if (batch.length > 0) this.publish(batch);
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
