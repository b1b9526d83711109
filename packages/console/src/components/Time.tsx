// A time as the console shows every time: local, with its zone, and the UTC instant on hover.

import { formatTime, utcTitle } from '../format';

export function Time({ ms }: { ms: number }) {
  if (!ms) return <>—</>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={utcTitle(ms)}>
      {formatTime(ms)}
    </time>
  );
}
