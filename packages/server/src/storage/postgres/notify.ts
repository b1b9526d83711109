// Signals between instances over PostgreSQL LISTEN/NOTIFY: one dedicated connection per instance
// (outside the pool: a listening connection must stay open), which also sends the NOTIFYs.
//
// - A NOTIFY goes out after the transaction that enqueued the events has committed (the caller
//   publishes from an after-commit hook), so whoever wakes up finds the events.
// - Per channel at most one NOTIFY per PUBLISH_INTERVAL_MS: the first goes out at once, later ones
//   within the interval become one at its end. Under load that bounds the cost (a NOTIFY takes a
//   global lock at commit) to ~100 a second per instance; an isolated change is not delayed.
// - The payload is the sender's ID, so an instance ignores its own signals (it woke itself directly).
// - Messages (send/onMessage) go out uncoalesced, as "<sender ID> <payload>", on channels of their own.
// - A lost connection is re-established with backoff; listeners of onReconnect then catch up.

import pg from 'pg';
import type { Logger } from 'pino';
import { BusSignals, type MessageChannel, type SignalChannel, type Signals } from '../../cluster-signals.js';

const CHANNELS: Record<SignalChannel, string> = { events: 'huddle_events', settings: 'huddle_settings' };
const BY_NAME = new Map(Object.entries(CHANNELS).map(([k, v]) => [v, k as SignalChannel]));
const MESSAGE_CHANNELS: Record<MessageChannel, string> = { attempts: 'huddle_attempts', gateway: 'huddle_gateway' };
const MESSAGE_BY_NAME = new Map(Object.entries(MESSAGE_CHANNELS).map(([k, v]) => [v, k as MessageChannel]));
export const PUBLISH_INTERVAL_MS = 10;
const MAX_BACKOFF_MS = 5000;

export class PostgresSignals extends BusSignals implements Signals {
  private client: pg.Client | undefined;
  private closed = false;
  private connecting: Promise<void> | undefined;
  /** The NOTIFYs in flight on `client`, one after another. */
  private sending: Promise<void> = Promise.resolve();
  private backoffMs = 100;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly lastSent: Record<SignalChannel, number> = { events: 0, settings: 0 };
  private readonly trailing: Partial<Record<SignalChannel, NodeJS.Timeout>> = {};
  private everConnected = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  send(channel: MessageChannel, payload: string): void {
    const client = this.client;
    if (this.closed || !client) return;
    this.enqueue(client, [MESSAGE_CHANNELS[channel], this.messagePayload(payload)], (err) =>
      this.logger.debug({ err, channel }, 'could not send a message to the other instances'),
    );
  }

  /** Connects and listens; a failure is logged and retried in the background (polling covers meanwhile). */
  async start(): Promise<void> {
    await this.connect();
  }

  publish(channel: SignalChannel): void {
    if (this.closed || this.trailing[channel]) return;
    const wait = this.lastSent[channel] + PUBLISH_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      this.notify(channel);
      return;
    }
    const timer = setTimeout(() => {
      delete this.trailing[channel];
      this.notify(channel);
    }, wait);
    timer.unref();
    this.trailing[channel] = timer;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const t of Object.values(this.trailing)) clearTimeout(t);
    await this.connecting?.catch(() => {});
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private notify(channel: SignalChannel): void {
    this.lastSent[channel] = performance.now();
    const client = this.client;
    if (!client) return; // reconnecting: the others' polls pick the work up
    this.enqueue(client, [CHANNELS[channel], this.id], (err) =>
      this.logger.debug({ err, channel }, 'could not signal the other instances'),
    );
  }

  /**
   * One NOTIFY at a time on the listening connection: pg queues overlapping queries itself today,
   * but warns that it will not (pg 9), and the live relay sends while signals go out.
   */
  private enqueue(client: pg.Client, params: [string, string], onError: (err: unknown) => void): void {
    this.sending = this.sending.then(() => client.query('SELECT pg_notify($1, $2)', params).then(() => {}, onError));
  }

  private connect(): Promise<void> {
    this.connecting = (async () => {
      const client = new pg.Client({ connectionString: this.url });
      client.on('error', (err) => this.lost(client, err));
      client.on('end', () => this.lost(client));
      client.on('notification', (msg) => {
        const messageChannel = MESSAGE_BY_NAME.get(msg.channel);
        if (messageChannel) return this.receivedMessage(messageChannel, msg.payload ?? '');
        const channel = BY_NAME.get(msg.channel);
        if (channel) this.receivedSignal(channel, msg.payload ?? '');
      });
      try {
        await client.connect();
        await client.query(
          [...Object.values(CHANNELS), ...Object.values(MESSAGE_CHANNELS)].map((c) => `LISTEN ${c}`).join('; '),
        );
      } catch (err) {
        client.removeAllListeners('end');
        await client.end().catch(() => {});
        this.retry(err);
        return;
      }
      if (this.closed) {
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      this.backoffMs = 100;
      if (this.everConnected) {
        this.logger.info('signals between instances restored');
        this.reconnected();
      }
      this.everConnected = true;
    })();
    return this.connecting;
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => {});
    this.retry(err);
  }

  private retry(err: unknown): void {
    if (this.closed) return;
    this.logger.warn(
      { err, retryInMs: this.backoffMs },
      'lost the signal connection to PostgreSQL; other instances are seen by polling until it is back',
    );
    this.retryTimer = setTimeout(() => void this.connect(), this.backoffMs);
    this.retryTimer.unref();
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
  }
}
