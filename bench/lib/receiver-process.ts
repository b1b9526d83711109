// The business server of the callback scenarios: bench/receiver.ts in its own process, driven
// through its control calls (/__bench/reset|open|stats|report).

import { Api } from './api.js';
import { type Child, freePort, startChild, waitReady } from './children.js';
import { tmpPath } from './workdir.js';

export interface Receiver {
  child: Child;
  /** webhooks.yml `url`: callbacks arrive at `${url}/${command}?contenttype=json`. */
  url: string;
  origin: string;
  /** Control calls (/__bench/…), on their own connections. */
  control: Api;
}

export interface ReceiverStats {
  now: number;
  held: number;
  received: number;
  answered: number;
  unique: number;
  duplicates: number;
  badBodies: number;
  unsigned: number;
  inFlight: number;
  maxInFlight: number;
  openedAt?: number;
  firstAnswerAt?: number;
  lastAnswerAt?: number;
  steadyPerSec?: number;
  byCommand: Record<string, number>;
}

/** What /__bench/report answers: per group the arrival order of `command:userID`. */
export interface ReceiverReport {
  perGroup: Record<string, string[]>;
  duplicateIDs: string[];
}

const CALLBACK_PATH = '/callbackExample';

export async function startReceiver(): Promise<Receiver> {
  const port = await freePort();
  const child = startChild('receiver', 'bench/receiver.ts', { RECEIVER_PORT: String(port) }, tmpPath('receiver.log'));
  const origin = `http://127.0.0.1:${port}`;
  const control = new Api(origin, 2);
  await waitReady(child, async () => (await control.post('/__bench/stats', '{}')).status === 200);
  return { child, url: `${origin}${CALLBACK_PATH}`, origin, control };
}

export const receiverCall = <T = ReceiverStats>(
  r: Receiver,
  what: 'reset' | 'open' | 'stats' | 'report',
  body: unknown = {},
) => r.control.ok<T>(`/__bench/${what}`, body);
