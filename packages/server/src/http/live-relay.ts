// The live view across instances: delivery attempts made by one instance (a `huddle worker` without
// an HTTP API included) reach the live streams open on the others, over the database's messages.
//
// - Only while someone watches: an instance with open streams says so every WATCH_EVERY_MS (and at
//   once when a stream opens); the others forward their attempts until WATCH_TTL_MS after the last
//   such word. Nobody watching costs one small message per instance per 10 s, no more.
// - Batched: attempts are gathered for FLUSH_MS and sent as few messages as fit MAX_MESSAGE_BYTES,
//   so 1,000 attempts a second become about 30 messages a second. Error texts are cut to ERROR_CHARS.
// - Best effort, like the stream itself: the delivery log is the record.

import type { AttemptNotice } from '@huddle/protocol';
import { MAX_MESSAGE_BYTES, type Signals } from '../cluster-signals.js';
import type { AttemptFeed } from './live.js';

const WATCH_EVERY_MS = 10_000;
const WATCH_TTL_MS = 25_000;
const FLUSH_MS = 50;
const ERROR_CHARS = 300;

type Message = { watching: true } | { attempts: AttemptNotice[] };

export class AttemptRelay {
  private pending: AttemptNotice[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly watchTimer: NodeJS.Timeout;
  private watchedUntil = 0;

  constructor(
    private readonly feed: AttemptFeed,
    private readonly signals: Signals,
    private readonly now: () => number = Date.now,
  ) {
    signals.onMessage('attempts', (payload) => this.received(payload));
    feed.onSubscribe(() => this.announce());
    this.watchTimer = setInterval(() => {
      if (feed.watchers > 0) this.announce();
    }, WATCH_EVERY_MS);
    this.watchTimer.unref();
  }

  /** An attempt this instance made: to its own streams, and to the others' while anyone watches. */
  publish(notice: AttemptNotice): void {
    this.feed.publish(notice);
    if (this.now() > this.watchedUntil) return;
    this.pending.push(
      notice.error.length > ERROR_CHARS ? { ...notice, error: `${notice.error.slice(0, ERROR_CHARS)}…` } : notice,
    );
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  close(): void {
    clearInterval(this.watchTimer);
    clearTimeout(this.flushTimer);
    this.pending = [];
  }

  private announce(): void {
    this.signals.send('attempts', JSON.stringify({ watching: true } satisfies Message));
  }

  private flush(): void {
    this.flushTimer = undefined;
    let batch: AttemptNotice[] = [];
    let bytes = 20; // {"attempts":[]} and commas
    for (const notice of this.pending) {
      const size = Buffer.byteLength(JSON.stringify(notice)) + 1;
      if (batch.length > 0 && bytes + size > MAX_MESSAGE_BYTES) {
        this.signals.send('attempts', JSON.stringify({ attempts: batch } satisfies Message));
        [batch, bytes] = [[], 20];
      }
      batch.push(notice);
      bytes += size;
    }
    if (batch.length > 0) this.signals.send('attempts', JSON.stringify({ attempts: batch } satisfies Message));
    this.pending = [];
  }

  private received(payload: string): void {
    let message: Partial<{ watching: boolean; attempts: AttemptNotice[] }>;
    try {
      message = JSON.parse(payload) as typeof message;
    } catch {
      return; // not ours to understand; the stream is best effort
    }
    if (message.watching) this.watchedUntil = this.now() + WATCH_TTL_MS;
    if (Array.isArray(message.attempts)) for (const notice of message.attempts) this.feed.publish(notice);
  }
}
