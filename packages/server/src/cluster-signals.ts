// Wake-ups between huddle instances that share one database. An instance that enqueues
// after-events tells the delivery workers of every other instance (which may be `huddle worker`
// processes on other machines); one that saves a callback configuration tells the others to re-read
// it. Signals only hurry things along: every worker also polls, and every instance re-reads the
// saved configuration on a timer, so a lost signal costs a delay, never an event or a change.
// Messages carry a payload (the live view's delivery attempts); they are best effort too.

export type SignalChannel = 'events' | 'settings';
/** attempts: the live view's delivery attempts; gateway: pushes and kicks for other instances' clients. */
export type MessageChannel = 'attempts' | 'gateway';

/** The largest message payload, in UTF-8 bytes (PostgreSQL's NOTIFY takes under 8,000 with our prefix). */
export const MAX_MESSAGE_BYTES = 7_900;

export interface Signals {
  /** Tells the other instances; cheap, never throws, coalesced under load. */
  publish(channel: SignalChannel): void;
  /** Called when another instance published on `channel`. */
  on(channel: SignalChannel, listener: () => void): void;
  /** Called after a lost connection is back (signals may have been missed meanwhile). */
  onReconnect(listener: () => void): void;
  /** Sends `payload` (at most MAX_MESSAGE_BYTES) to the other instances; never throws, may be lost. */
  send(channel: MessageChannel, payload: string): void;
  /** Called with each message another instance sent on `channel`. */
  onMessage(channel: MessageChannel, listener: (payload: string) => void): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** One process owns the database (SQLite): nobody else to tell. */
export const noSignals: Signals = {
  publish() {},
  on() {},
  onReconnect() {},
  send() {},
  onMessage() {},
  async start() {},
  async close() {},
};
