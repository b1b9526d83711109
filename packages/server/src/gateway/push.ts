// Pushes (2001) to this instance's connections: each message to every connection of each of its
// readers, the sender's own included (that is how the sender's devices learn the seq). A message is
// encoded once per framing, not once per client; messages of one conversation go out in the order
// they were committed, whatever the time their readers take to look up.

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
  onError(err: unknown): void;
}

export class Pusher {
  /** The last push of each conversation still running: the next one waits for it. */
  private readonly tails = new Map<string, Promise<void>>();

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
        this.inOrder(conversationID, () => this.send(list, operationID)),
      ),
    ).then(() => undefined);
  }

  /** Pushes messages another instance committed, read from the database in their turn. */
  pushLoaded(conversationID: string, load: () => Promise<MessageRecord[]>, operationID: string): Promise<void> {
    return this.inOrder(conversationID, async () => this.send(await load(), operationID));
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
