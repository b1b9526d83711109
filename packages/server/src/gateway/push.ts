// Pushes (2001) to this instance's connections: each message to every connection of each of its
// readers, the sender's own included (that is how the sender's devices learn the seq). A message is
// encoded once per framing, not once per client; messages of one conversation go out in the order
// they were committed, whatever the time their readers take to look up.
//
// Across instances: two instances may commit seqs 10 and 11 of one conversation a moment apart;
// each pushes its own at once and the other's when the bus brings it, so without care a client of
// the second would get 11 before 10. Seqs of a conversation are committed in order (allocating one
// waits for the previous commit), so a push of 11 proves 10 is readable: the pusher remembers the
// highest seq it has handled per conversation, reads a small gap from the database and pushes it
// first, and drops what arrives later for seqs already pushed.

import type { MessageRecord } from '../storage/records.js';
import type { Connection } from './connection.js';
import { ReqIdentifier } from './frames.js';
import type { Registry } from './registry.js';

export interface PushDeps {
  registry: Registry;
  /** Who may read the message (domain/recipients.ts). */
  readers(m: MessageRecord): Promise<string[]>;
  /** PushMessages for the messages of one conversation, as protobuf. */
  encode(messages: readonly MessageRecord[]): Uint8Array;
  /** Stored messages seqs from..to of a conversation. */
  load(conversationID: string, from: number, to: number): Promise<MessageRecord[]>;
  onError(err: unknown): void;
}

/** Conversations whose highest pushed seq is remembered; the least recently pushed are forgotten. */
const TRACKED_CONVERSATIONS = 50_000;
/** A larger gap is not filled: something else went wrong, and the SDKs pull what they lack on reconnecting. */
const MAX_GAP_FILL = 100;

export class Pusher {
  /** The last push of each conversation still running: the next one waits for it. */
  private readonly tails = new Map<string, Promise<void>>();
  /** The highest stored seq handled per conversation, in the order last touched. */
  private readonly highest = new Map<string, number>();

  constructor(private readonly deps: PushDeps) {}

  /** Pushes committed messages (any conversations); resolves once they were handed to the sockets. */
  push(messages: readonly MessageRecord[], operationID: string): Promise<void> {
    const byConversation = new Map<string, MessageRecord[]>();
    for (const m of messages) {
      const list = byConversation.get(m.conversationID);
      if (list) list.push(m);
      else byConversation.set(m.conversationID, [m]);
    }
    return Promise.all(
      [...byConversation].map(([conversationID, list]) =>
        this.inOrder(conversationID, () => this.sendInOrder(conversationID, list, operationID)),
      ),
    ).then(() => undefined);
  }

  /** Pushes seqs from..to that another instance committed, read from the database in their turn. */
  pushLoaded(conversationID: string, from: number, to: number, operationID: string): Promise<void> {
    return this.inOrder(conversationID, async () => {
      const high = this.highest.get(conversationID);
      if (high !== undefined && to <= high) return; // pushed already, to fill a gap
      if (this.deps.registry.size === 0) return this.handled(conversationID, to);
      // One read for the range and any gap before it.
      const start = high === undefined ? from : this.fillsGap(high, from) ? high + 1 : Math.max(from, high + 1);
      await this.sendInOrder(conversationID, await this.deps.load(conversationID, start, to), operationID);
      this.handled(conversationID, to);
    });
  }

  /** Whether a gap between the highest seq pushed and the next one is filled from the database. */
  private fillsGap(high: number, next: number): boolean {
    return next > high + 1 && next - high - 1 <= MAX_GAP_FILL && this.deps.registry.size > 0;
  }

  /** Stored messages after what was pushed of the conversation, preceded by any gap before them. */
  private async sendInOrder(conversationID: string, list: readonly MessageRecord[], operationID: string) {
    const high = this.highest.get(conversationID);
    const fresh = high === undefined ? list : list.filter((m) => m.seq === 0 || m.seq > high);
    const first = fresh.find((m) => m.seq > 0)?.seq;
    let gap: MessageRecord[] = [];
    if (high !== undefined && first !== undefined && this.fillsGap(high, first))
      gap = await this.deps.load(conversationID, high + 1, first - 1);
    await this.send([...gap, ...fresh], operationID);
    const last = fresh.reduce((n, m) => Math.max(n, m.seq), 0);
    if (last > 0) this.handled(conversationID, last);
  }

  private handled(conversationID: string, seq: number): void {
    const high = this.highest.get(conversationID) ?? 0;
    this.highest.delete(conversationID);
    this.highest.set(conversationID, Math.max(high, seq));
    if (this.highest.size > TRACKED_CONVERSATIONS) this.highest.delete(this.highest.keys().next().value!);
  }

  private inOrder(conversationID: string, work: () => Promise<void>): Promise<void> {
    const run = (this.tails.get(conversationID) ?? Promise.resolve()).then(work).catch(this.deps.onError);
    this.tails.set(conversationID, run);
    void run.then(() => {
      if (this.tails.get(conversationID) === run) this.tails.delete(conversationID);
    });
    return run;
  }

  private async send(messages: readonly MessageRecord[], operationID: string): Promise<void> {
    const { registry } = this.deps;
    for (const m of messages) {
      if (registry.size === 0) return;
      const readers = await this.deps.readers(m);
      const targets: Connection[] = [];
      for (const userID of readers) for (const c of registry.of(userID)) targets.push(c);
      if (targets.length === 0) continue;
      const data = this.deps.encode([m]);
      const frames = new Map<string, Buffer>();
      for (const c of targets) {
        let frame = frames.get(c.framing.name);
        if (!frame) {
          frame = c.framing.encode({
            reqIdentifier: ReqIdentifier.PushMsg,
            msgIncr: '',
            operationID,
            errCode: 0,
            errMsg: '',
            data,
          });
          frames.set(c.framing.name, frame);
        }
        c.sendEncoded(frame);
      }
    }
  }
}
