// A clock a test moves by hand, read by every part of a server started with startServer({ now:
// clock.now }): the delivery worker's schedule (then wake the worker), the metrics cache, write limits,
// the admin-secret back-off.

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
