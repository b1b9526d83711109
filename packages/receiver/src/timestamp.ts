import { ReceiverError } from './errors.js';

/**
 * Reads a timestamp in whole seconds and checks it is within `toleranceSeconds` of now, either way:
 * a captured request cannot be replayed later, and a far-future one is as suspect as an old one.
 */
export function checkFreshness(value: string, nowSeconds: number, toleranceSeconds: number, what: string): number {
  if (!/^\d{1,15}$/.test(value))
    throw new ReceiverError('invalid_timestamp', `${what} is not a whole number of seconds`);
  const seconds = Number(value);
  if (nowSeconds - seconds > toleranceSeconds)
    throw new ReceiverError('timestamp_too_old', `${what} is more than ${toleranceSeconds} s old`);
  if (seconds - nowSeconds > toleranceSeconds)
    throw new ReceiverError('timestamp_too_new', `${what} is more than ${toleranceSeconds} s in the future`);
  return seconds;
}
