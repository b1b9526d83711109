// Wake-ups between huddle instances that share one database. An instance that enqueues
// after-events tells the delivery workers of every other instance (which may be `huddle worker`
// processes on other machines); one that saves a callback configuration tells the others to re-read
// it. Signals only hurry things along: every worker also polls, and every instance re-reads the
// saved configuration on a timer, so a lost signal costs a delay, never an event or a change.
// Messages carry a payload (the live view's delivery attempts); they are best effort too.

import { randomBytes } from 'node:crypto';

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

/**
 * What every bus between instances shares: the listeners, and the payloads on the wire. A signal is
 * the sender's ID, a message "<sender ID> <payload>"; an instance ignores what it sent itself.
 */
export abstract class BusSignals {
  readonly id = randomBytes(6).toString('hex');
  private readonly listeners: Record<SignalChannel, (() => void)[]> = { events: [], settings: [] };
  private readonly reconnectListeners: (() => void)[] = [];
  private readonly messageListeners: Record<MessageChannel, ((payload: string) => void)[]> = {
    attempts: [],
    gateway: [],
  };

  on(channel: SignalChannel, listener: () => void): void {
    this.listeners[channel].push(listener);
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  onMessage(channel: MessageChannel, listener: (payload: string) => void): void {
    this.messageListeners[channel].push(listener);
  }

  /** The payload a message goes out with. */
  protected messagePayload(payload: string): string {
    return `${this.id} ${payload}`;
  }

  /** A signal arrived (its payload: the sender's ID). */
  protected receivedSignal(channel: SignalChannel, payload: string): void {
    if (payload === this.id) return;
    for (const l of this.listeners[channel]) l();
  }

  /** A message arrived, as messagePayload made it. */
  protected receivedMessage(channel: MessageChannel, payload: string): void {
    const space = payload.indexOf(' ');
    if (space < 0 || payload.slice(0, space) === this.id) return;
    for (const l of this.messageListeners[channel]) l(payload.slice(space + 1));
  }

  /** The connection came back: signals may have been missed meanwhile. */
  protected reconnected(): void {
    for (const l of this.reconnectListeners) l();
  }
}
