// The time window of the console's overview routes: from, to (default now) and the bucket width.

import { int, int64, type Schema } from '@huddle/protocol';

/** Optional milliseconds since the epoch; missing or null means "unbounded". */
export const optMillis = (): Schema<number | undefined> => ({
  parse: (value, path) => (value == null ? undefined : int64({ min: 0 }).parse(value, path)),
  jsonSchema: () => ({
    ...int64({ min: 0 }).jsonSchema(),
    type: ['integer', 'null'],
    description: 'Unix milliseconds; missing or null: unbounded',
  }),
});

export const windowFields = () => ({
  from: int64({ min: 0 }),
  to: optMillis(),
  bucketMs: int({ min: 1000, max: 86_400_000, hint: 'bucket width in ms, 1 s to 1 day; missing: 1 min' }),
});

export const windowOf = (body: { from: number; to: number | undefined; bucketMs: number }, now: () => number) => ({
  from: body.from,
  to: body.to ?? now(),
  bucketMs: body.bucketMs || 60_000,
});
