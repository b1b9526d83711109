// Settings given as flags: each flag stands for a HUDDLE_* variable (config.ts FLAGS) and wins over it.

import { Option, type Command } from 'commander';
import { FLAGS, type FlagVariable } from '../config.js';

/** commander's camel-case key of a flag: --pool-size -> poolSize. */
function optionKey(variable: FlagVariable): string {
  return new Option(FLAGS[variable].flag).attributeName();
}

export function addSettings(cmd: Command, variables: readonly FlagVariable[]): Command {
  for (const v of variables) cmd.addOption(new Option(FLAGS[v].flag, `${FLAGS[v].help} [env: ${v}]`));
  return cmd;
}

export function flagValues(opts: Record<string, unknown>, variables: readonly FlagVariable[]): Partial<Record<FlagVariable, string>> {
  const out: Partial<Record<FlagVariable, string>> = {};
  for (const v of variables) {
    const value = opts[optionKey(v)];
    if (typeof value === 'string') out[v] = value;
  }
  return out;
}
