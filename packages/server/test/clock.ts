// A clock a test moves by hand, for the delivery worker's schedule (retries, leases) and the metrics
// cache: startServer({ now: clock.now }), then clock.advance(ms) and wake the worker.

export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function testClock(start = Date.now()): TestClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}
