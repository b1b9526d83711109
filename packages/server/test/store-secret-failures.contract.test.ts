// The store contract for the admin secret's back-off, on each engine: free tries never wait, even
// when their timestamps arrive out of order (two instances, or two requests a moment apart).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackoffPolicy, Store } from '../src/storage/store.js';
import { engines } from './store-engines.js';

const POLICY: BackoffPolicy = { free: 3, firstWaitMs: 1000, maxWaitMs: 8000, forgetMs: 86_400_000 };

for (const engine of engines) {
  describe.skipIf(engine.skip)(`secret back-off store (${engine.name})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await engine.open());
    });
    afterEach(async () => cleanup());

    it('lets the free tries through in any time order, then makes each wait, doubled', async () => {
      const claim = (now: number) => store.repos.secretFailures.claim('10.0.0.1', now, POLICY);
      expect((await claim(5_000)).allowed).toBe(true);
      // Stamped a moment earlier but counted later: still a free try.
      expect((await claim(4_990)).allowed).toBe(true);
      // The third try is the last free one; it imposes the first wait.
      expect(await claim(5_001)).toEqual({ allowed: true, blockedUntil: 6_001 });
      expect(await claim(5_500)).toEqual({ allowed: false, blockedUntil: 6_001 });
      expect(await claim(6_001)).toEqual({ allowed: true, blockedUntil: 8_001 });
      await store.repos.secretFailures.clear('10.0.0.1');
      expect((await claim(6_002)).allowed).toBe(true);
    });
  });
}
