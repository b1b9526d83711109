// Per-user limits on writes (HUDDLE_RATE_LIMIT_WRITES_PER_MINUTE): one token bucket per user, as
// deep as a minute's allowance and refilled continuously, so a burst up to the limit passes and a
// steady stream is held to it. Reads and app admins (the business backend acting for everyone) are
// not limited. One process's buckets: with several instances each allows the limit on its own.

import type { Caller } from '../domain/context.js';
import { ApiError } from '../errors.js';

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

export class WriteRateLimit {
  private readonly buckets = new Map<string, Bucket>();
  /** Tokens per millisecond. */
  private readonly rate: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.rate = perMinute / 60_000;
  }

  /** Counts a request against its caller; returns why it must wait, or undefined to go ahead. */
  check(caller: Caller, path: string): Limited | undefined {
    if (caller.isAppAdmin || caller.userID === '' || READ.test(path)) return undefined;
    const now = this.now();
    const bucket = this.refill(this.buckets.get(caller.userID) ?? { tokens: this.perMinute, at: now }, now);
    this.buckets.set(caller.userID, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      if (this.buckets.size > SWEEP_AT) this.sweep(now);
      return undefined;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate / 1000));
    return {
      error: new ApiError('TooManyRequests', `more than ${this.perMinute} writes a minute by ${caller.userID}; retry in ${retryAfterSeconds} s`),
      retryAfterSeconds,
    };
  }

  private refill(bucket: Bucket, now: number): Bucket {
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.rate);
    bucket.at = now;
    return bucket;
  }

  /** A full bucket is the same as none: forget those, so idle users cost no memory. */
  private sweep(now: number): void {
    for (const [userID, bucket] of this.buckets) if (this.refill(bucket, now).tokens >= this.perMinute) this.buckets.delete(userID);
  }
}
