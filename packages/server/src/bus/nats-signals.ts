// Signals between instances over NATS core pub/sub, for deployments that run a NATS server beside
// PostgreSQL (HUDDLE_NATS_URL). The same contract as LISTEN/NOTIFY (cluster-signals.ts): best
// effort, an instance ignores what it sent itself, and listeners of onReconnect catch up after a
// lost connection. Chosen for the gateway's pushes by measurement (docs/benchmarks.md, "Which
// bus"): a 200-byte message one process to another, p50 0.4-0.9 ms at 1,000-10,000/s and about
// 26,000/s flat out, against 36 ms and about 1,800/s for NOTIFY (one at a time on the listening
// connection) on the same machine.

import { connect, type NatsConnection, type Subscription } from 'nats';
import type { Logger } from 'pino';
import { BusSignals, type MessageChannel, type SignalChannel, type Signals } from '../cluster-signals.js';
import { ConfigError } from '../server-config.js';

const SUBJECTS: Record<SignalChannel | MessageChannel, string> = {
  events: 'huddle.events',
  settings: 'huddle.settings',
  attempts: 'huddle.attempts',
  gateway: 'huddle.gateway',
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NatsSignals extends BusSignals implements Signals {
  private nc: NatsConnection | undefined;
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  publish(channel: SignalChannel): void {
    this.nc?.publish(SUBJECTS[channel], encoder.encode(this.id));
  }

  send(channel: MessageChannel, payload: string): void {
    this.nc?.publish(SUBJECTS[channel], encoder.encode(this.messagePayload(payload)));
  }

  /** Connects (the client reconnects by itself for as long as the instance runs). */
  async start(): Promise<void> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: this.url,
        name: `huddle-${this.id}`,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
      });
    } catch (err) {
      throw new ConfigError(`cannot reach NATS at ${this.url} (HUDDLE_NATS_URL): ${(err as Error).message}`);
    }
    this.nc = nc;
    for (const channel of ['events', 'settings'] as const)
      this.subscriptions.push(
        nc.subscribe(SUBJECTS[channel], {
          callback: (_err, msg) => this.receivedSignal(channel, decoder.decode(msg.data)),
        }),
      );
    for (const channel of ['attempts', 'gateway'] as const)
      this.subscriptions.push(
        nc.subscribe(SUBJECTS[channel], {
          callback: (_err, msg) => this.receivedMessage(channel, decoder.decode(msg.data)),
        }),
      );
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect')
          this.logger.warn({ server: String(s.data) }, 'lost the connection to NATS; reconnecting');
        if (s.type === 'reconnect') {
          this.logger.info('signals between instances restored (NATS)');
          this.reconnected();
        }
      }
    })();
  }

  async close(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    await nc?.drain().catch(() => {});
  }
}
