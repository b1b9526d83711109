// Per-user limits on writes (HUDDLE_RATE_LIMIT_WRITES_PER_MINUTE): one token bucket per user, as
// deep as a minute's allowance and refilled continuously, so a burst up to the limit passes and a
// steady stream is held to it. Reads and app admins (the business backend acting for everyone) are
// not limited. On SQLite (one process) the buckets live in memory; instances sharing a PostgreSQL
// database share them in the database (one statement per write), so a user's limit holds across
// instances however a load balancer spreads the requests.

import type { Caller } from './context.js';
import { ApiError } from '../errors.js';
import type { RateBucketRepo, Store } from '../storage/store.js';

/** Reads change nothing: get_* and parse_token (the others are writes or app-admin calls). */
const READ = /\/(get_[^/]*|parse_token)$/;

/** Buckets kept before full ones (idle users) are swept out. */
const SWEEP_AT = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export interface Limited {
  error: ApiError;
  /** Whole seconds until the next write would pass, for the Retry-After header. */
  retryAfterSeconds: number;
}

export interface WriteLimiter {
  /** Counts a request against its caller; returns why it must wait, or undefined to go ahead. */
  check(caller: Caller, path: string): Limited | undefined | Promise<Limited | undefined>;
}

/** Only a user's writes count. */
const counts = (caller: Caller, path: string) => !caller.isAppAdmin && caller.userID !== '' && !READ.test(path);

function limited(perMinute: number, userID: string, tokens: number): Limited {
  const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / (perMinute / 60_000) / 1000));
  return {
    error: new ApiError(
      'TooManyRequests',
      `more than ${perMinute} writes a minute by ${userID}; retry in ${retryAfterSeconds} s`,
    ),
    retryAfterSeconds,
  };
}

/** Buckets in the database, shared by every instance on it. */
export class SharedWriteRateLimit implements WriteLimiter {
  constructor(
    private readonly perMinute: number,
    private readonly buckets: RateBucketRepo,
    private readonly now: () => number = Date.now,
  ) {}

  async check(caller: Caller, path: string): Promise<Limited | undefined> {
    if (!counts(caller, path)) return undefined;
    const { allowed, tokens } = await this.buckets.take(
      caller.userID,
      this.perMinute,
      this.perMinute / 60_000,
      this.now(),
    );
    return allowed ? undefined : limited(this.perMinute, caller.userID, tokens);
  }
}

/** Buckets in this process's memory: exact when it is the database's only instance. */
export class WriteRateLimit implements WriteLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Tokens per millisecond. */
  private readonly rate: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.rate = perMinute / 60_000;
  }

  check(caller: Caller, path: string): Limited | undefined {
    if (!counts(caller, path)) return undefined;
    const now = this.now();
    const bucket = this.refill(this.buckets.get(caller.userID) ?? { tokens: this.perMinute, at: now }, now);
    this.buckets.set(caller.userID, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      if (this.buckets.size > SWEEP_AT) this.sweep(now);
      return undefined;
    }
    return limited(this.perMinute, caller.userID, bucket.tokens);
  }

  private refill(bucket: Bucket, now: number): Bucket {
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.rate);
    bucket.at = now;
    return bucket;
  }

  /** A full bucket is the same as none: forget those, so idle users cost no memory. */
  private sweep(now: number): void {
    for (const [userID, bucket] of this.buckets)
      if (this.refill(bucket, now).tokens >= this.perMinute) this.buckets.delete(userID);
  }
}

/** The limiter for this configuration and store: none at 0, shared when instances share the database. */
export function rateLimiter(perMinute: number, store: Store, now: () => number = Date.now): WriteLimiter | undefined {
  if (perMinute <= 0) return undefined;
  return store.shared
    ? new SharedWriteRateLimit(perMinute, store.repos.rateBuckets, now)
    : new WriteRateLimit(perMinute, now);
}
