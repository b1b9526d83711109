// Pushes (2001) to this instance's connections: each message to every connection of each of its
// readers, the sender's own included (that is how the sender's devices learn the seq). A message is
// encoded once per framing, not once per client; messages of one conversation go out in the order
// they were committed, whatever the time their readers take to look up.
//
// Across instances: two instances may commit seqs 10 and 11 of one conversation a moment apart;
// each pushes its own at once and the other's when the bus brings it, so without care a client of
// the second would get 11 before 10. Seqs of a conversation are committed in order (allocating one
// waits for the previous commit), so a push of 11 proves 10 is readable: the pusher remembers the
// run of seqs it has handled per conversation, reads a small gap from the database and pushes it
// first, and drops what arrives later for seqs already pushed. Seqs below the run (it began at a
// first sight or after a gap too wide to fill) were never pushed here: they still go when they come.

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

/** Conversations whose pushed seqs are remembered; the least recently pushed are forgotten. */
const TRACKED_CONVERSATIONS = 50_000;
/** A larger gap is not filled: something else went wrong, and the SDKs pull what they lack on reconnecting. */
const MAX_GAP_FILL = 100;

interface SeqRun {
  low: number;
  high: number;
}

export class Pusher {
  /** The last push of each conversation still running: the next one waits for it. */
  private readonly tails = new Map<string, Promise<void>>();
  /** Per conversation, the stored seqs low..high all handled here, in the order last touched. */
  private readonly runs = new Map<string, SeqRun>();

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
      const run = this.runs.get(conversationID);
      if (run && from >= run.low && to <= run.high) return; // pushed already, to fill a gap
      if (this.deps.registry.size === 0) return this.handled(conversationID, from, to);
      // One read for the range and any gap before it; what was pushed already is left out.
      let start = from;
      if (run && from >= run.low && from <= run.high) start = run.high + 1;
      else if (run && this.fillsGap(run.high, from)) start = run.high + 1;
      await this.sendInOrder(conversationID, await this.deps.load(conversationID, start, to), operationID);
      this.handled(conversationID, start, to);
    });
  }

  /** Whether a gap between the highest seq pushed and the next one is filled from the database. */
  private fillsGap(high: number, next: number): boolean {
    return next > high + 1 && next - high - 1 <= MAX_GAP_FILL && this.deps.registry.size > 0;
  }

  /**
   * Stored messages not pushed yet of the conversation: those below the run first (committed
   * earlier, arriving late), then any gap before the newer ones, then the newer ones.
   */
  private async sendInOrder(conversationID: string, list: readonly MessageRecord[], operationID: string) {
    const run = this.runs.get(conversationID);
    const older = run ? list.filter((m) => m.seq > 0 && m.seq < run.low) : [];
    const newer = run ? list.filter((m) => m.seq === 0 || m.seq > run.high) : list;
    const first = newer.find((m) => m.seq > 0)?.seq;
    let gap: MessageRecord[] = [];
    if (run && first !== undefined && this.fillsGap(run.high, first))
      gap = await this.deps.load(conversationID, run.high + 1, first - 1);
    await this.send([...older, ...gap, ...newer], operationID);
    for (const part of [older, [...gap, ...newer]]) {
      const seqs = part.map((m) => m.seq).filter((n) => n > 0);
      if (seqs.length === 0) continue;
      // reduce, not Math.min(...seqs): a relayed range may hold more seqs than a call takes arguments
      const [low, high] = seqs.reduce(([l, h], n) => [Math.min(l, n), Math.max(h, n)], [seqs[0]!, seqs[0]!]);
      this.handled(conversationID, low, high);
    }
  }

  /** Seqs first..last were handled: the run grows over them, or starts again past a gap left open. */
  private handled(conversationID: string, first: number, last: number): void {
    const run = this.runs.get(conversationID);
    let next: SeqRun;
    if (!run || first > run.high + 1) next = { low: first, high: last };
    else if (last < run.low - 1)
      next = run; // older and apart: seqs between them were never seen
    else next = { low: Math.min(run.low, first), high: Math.max(run.high, last) };
    this.runs.delete(conversationID);
    this.runs.set(conversationID, next);
    if (this.runs.size > TRACKED_CONVERSATIONS) this.runs.delete(this.runs.keys().next().value!);
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
