// Settings given as flags: each flag stands for a HUDDLE_* variable (config.ts FLAGS) and wins over it.

import { Option, type Command } from 'commander';
import { ConfigError, FLAGS, loadConfig, type Config, type FlagVariable } from '../server-config.js';
import { usageError } from './errors.js';

/** commander's camel-case key of a flag: --pool-size -> poolSize. */
function optionKey(variable: FlagVariable): string {
  return new Option(FLAGS[variable].flag).attributeName();
}

export function addSettings(cmd: Command, variables: readonly FlagVariable[]): Command {
  for (const v of variables) cmd.addOption(new Option(FLAGS[v].flag, `${FLAGS[v].help} [env: ${v}]`));
  return cmd;
}

export function flagValues(
  opts: Record<string, unknown>,
  variables: readonly FlagVariable[],
): Partial<Record<FlagVariable, string>> {
  const out: Partial<Record<FlagVariable, string>> = {};
  for (const v of variables) {
    const value = opts[optionKey(v)];
    if (typeof value === 'string') out[v] = value;
  }
  return out;
}

/** The configuration from the environment and a command's setting flags; a wrong value is a usage error (exit code 2) naming it. */
export function loadCliConfig(
  opts: Record<string, unknown>,
  variables: readonly FlagVariable[],
  env: NodeJS.ProcessEnv = process.env,
): Config {
  try {
    return loadConfig(env, flagValues(opts, variables));
  } catch (err) {
    if (err instanceof ConfigError) throw usageError(err.message);
    throw err;
  }
}
