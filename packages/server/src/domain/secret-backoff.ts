// Guessing the admin secret: get_admin_token answers in under a millisecond, so without a brake
// a client can try thousands of secrets a second (5,473/s measured on 2 cores). Each client address
// gets a few tries in a row; after them every try must wait for the previous one's wait to end,
// 1 s, then 2 s, 4 s … up to 15 min; a right secret starts the count over. The count is kept in
// the database, so it holds across restarts and across the instances sharing a PostgreSQL database.

import { isIPv6 } from 'node:net';
import { ApiError } from '../errors.js';
import type { BackoffPolicy, SecretFailureRepo } from '../storage/store.js';

export const SECRET_BACKOFF: BackoffPolicy = {
  free: 5,
  firstWaitMs: 1000,
  maxWaitMs: 15 * 60_000,
  forgetMs: 24 * 3_600_000,
};

/** Claims between two sweeps of the keys nobody has used for `forgetMs`. */
const PRUNE_EVERY = 1000;

/**
 * The key an address is counted under: an IPv6 address by its /64 (one subscriber usually has the
 * whole /64, so counting single addresses would give them 2^64 keys), any other as it is.
 */
export function addressKey(address: string): string {
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) stands for two groups.
  const width = (gs: string[]) => gs.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const groups = address.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - width(left) - width(right))).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export function secretBackoff(repo: SecretFailureRepo, policy: BackoffPolicy = SECRET_BACKOFF) {
  let claims = 0;
  return {
    /** Counts a try from `address`, or throws TooManyRequests while its wait runs. */
    async claim(address: string, now: number): Promise<void> {
      if (++claims % PRUNE_EVERY === 0) await repo.prune(now - policy.forgetMs);
      const { allowed, blockedUntil } = await repo.claim(addressKey(address), now, policy);
      if (allowed) return;
      const seconds = Math.max(1, Math.ceil((blockedUntil - now) / 1000));
      throw ApiError.retryLater(`too many wrong secrets from ${address}; retry in ${seconds} s`, seconds);
    },
    /** A right secret: the address starts over. */
    reset(address: string): Promise<void> {
      return repo.clear(addressKey(address));
    },
  };
}
