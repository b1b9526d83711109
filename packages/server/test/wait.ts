// Waiting in tests: a plain sleep, and eventually() to poll until a condition holds.

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value, and resolves with it; rejects after `ms`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  ms = 8000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(15);
  }
}

/** A promise a test opens when it chooses: receivers hold answers on it instead of sleeping. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
