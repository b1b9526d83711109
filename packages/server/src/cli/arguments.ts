// Flag value parsers shared by the commands; commander reports their errors with the flag's name.

import { InvalidArgumentError } from 'commander';
import { parseDuration, CallbackConfigError } from '../callbacks/config-file.js';

export const integer = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
  return n;
};

/** A duration as webhooks.yml writes one (5s, 5m, 2h, 1d, 250ms, or seconds) -> milliseconds. */
export const duration = (value: string): number => {
  try {
    return parseDuration(value, 'duration');
  } catch (err) {
    if (!(err instanceof CallbackConfigError)) throw err;
    throw new InvalidArgumentError('expected a duration such as 5s, 5m, 2h or a number of seconds');
  }
};
