// The three buses bench/bus-latency.ts compares, each as a publisher and a subscriber of one
// channel: PostgreSQL LISTEN/NOTIFY (pg, one NOTIFY at a time on the listening connection, as
// packages/server/src/storage/postgres/notify.ts sends them), NATS core pub/sub and Redis pub/sub.

import { Redis } from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import pg from 'pg';

export const BUS_NAMES = ['postgres', 'nats', 'redis'] as const;
export type BusName = (typeof BUS_NAMES)[number];

export const PG_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.BENCH_NATS_URL || '127.0.0.1:4222';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const CHANNEL = 'huddle_bench_bus';

export interface Bus {
  /** Resolves once the bus took the message (for pg: once the NOTIFY returned). */
  publish(payload: string): Promise<void>;
  /** Whatever the client buffers goes out. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function publisher(name: BusName): Promise<Bus> {
  if (name === 'postgres') {
    // The sending instance's connection also listens, as huddle's does.
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    let sending: Promise<void> = Promise.resolve();
    return {
      publish(payload) {
        sending = sending.then(() => client.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).then(() => {}));
        return sending;
      },
      flush: () => sending,
      close: () => client.end(),
    };
  }
  if (name === 'nats') {
    const nc: NatsConnection = await connect({ servers: NATS_URL });
    const enc = new TextEncoder();
    return {
      async publish(payload) {
        nc.publish(CHANNEL, enc.encode(payload));
      },
      flush: () => nc.flush(),
      close: () => nc.close(),
    };
  }
  const redis = new Redis(REDIS_URL);
  return {
    publish: (payload) => redis.publish(CHANNEL, payload).then(() => {}),
    flush: async () => {},
    close: async () => {
      redis.disconnect();
    },
  };
}

/** Subscribes; `onMessage` gets each payload as it arrives. */
export async function subscriber(name: BusName, onMessage: (payload: string) => void): Promise<() => Promise<void>> {
  if (name === 'postgres') {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    client.on('notification', (n) => {
      if (n.channel === CHANNEL) onMessage(n.payload ?? '');
    });
    await client.query(`LISTEN ${CHANNEL}`);
    return () => client.end();
  }
  if (name === 'nats') {
    const nc = await connect({ servers: NATS_URL });
    const dec = new TextDecoder();
    nc.subscribe(CHANNEL, { callback: (_err, m) => onMessage(dec.decode(m.data)) });
    await nc.flush();
    return () => nc.close();
  }
  const redis = new Redis(REDIS_URL);
  redis.on('message', (_channel: string, payload: string) => onMessage(payload));
  await redis.subscribe(CHANNEL);
  return async () => {
    redis.disconnect();
  };
}
