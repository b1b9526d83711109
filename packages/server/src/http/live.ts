// GET /callback/live: server-sent events of callback delivery attempts as they are made, by this
// instance and (on PostgreSQL, through live-relay.ts) by every other one, for the console's live
// view. App admins only (token header, as every admin call), so browsers read it with fetch()
// rather than EventSource (which cannot send headers).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AttemptNotice } from '@huddle/protocol';
import type { AuthService } from '../domain/auth.js';
import { requireCallbackAdmin } from '../domain/delivery-log.js';
import { authenticatedCaller } from './caller.js';
import { renderError } from './envelope.js';

/** Fans attempts out to the open streams; publishing with nobody listening costs nothing. */
export class AttemptFeed {
  /** Each open stream's listener, and how to end it. */
  private readonly streams = new Map<(n: AttemptNotice) => void, () => void>();
  private readonly subscribeListeners: (() => void)[] = [];

  /** Open streams on this instance. */
  get watchers(): number {
    return this.streams.size;
  }

  /** Called whenever a stream opens (the relay tells the other instances someone is watching). */
  onSubscribe(listener: () => void): void {
    this.subscribeListeners.push(listener);
  }

  publish(notice: AttemptNotice): void {
    for (const listener of this.streams.keys()) listener(notice);
  }

  subscribe(listener: (n: AttemptNotice) => void, onClose: () => void): () => void {
    this.streams.set(listener, onClose);
    for (const l of this.subscribeListeners) l();
    return () => void this.streams.delete(listener);
  }

  /** Ends every stream, so the server can close (an open stream is never idle). */
  close(): void {
    for (const close of [...this.streams.values()]) close();
  }
}

/** A comment line now and then keeps proxies and browsers from timing the stream out. */
const HEARTBEAT_MS = 15_000;

export async function serveLive(
  req: IncomingMessage,
  res: ServerResponse,
  feed: AttemptFeed,
  auth: AuthService,
): Promise<void> {
  try {
    requireCallbackAdmin(await authenticatedCaller(req, auth));
  } catch (err) {
    return renderError(res, err);
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const unsubscribe = feed.subscribe(
    (n) => res.write(`event: attempt\ndata: ${JSON.stringify(n)}\n\n`),
    () => res.end(),
  );
  res.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}
