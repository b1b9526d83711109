// Flag value parsers shared by the commands; commander reports their errors with the flag's name.

import { InvalidArgumentError } from 'commander';

export const integer = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
  return n;
};
