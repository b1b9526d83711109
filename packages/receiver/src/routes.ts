// Which hook a command belongs to, per dialect, from the hook declarations. OpenIM commands name one
// hook each. A Tencent command may stand for several (Group.CallbackAfterMemberExit for quit and
// kick, Group.CallbackAfterGroupInfoChanged for set_group_info and set_group_info_ex): the hook
// whose declaration owns the body comes first (ExitType), then the others in CALLBACKS order; the
// request goes to the first of them that has a handler.

import { CALLBACK_KEYS, CALLBACKS, type CallbackDefinition, type CallbackKey } from '@huddle/protocol';
import type { Dialect } from './events.js';

function index(commandOf: (key: CallbackKey) => string | undefined): ReadonlyMap<string, readonly CallbackKey[]> {
  const byCommand = new Map<string, CallbackKey[]>();
  for (const key of CALLBACK_KEYS) {
    const command = commandOf(key);
    if (command !== undefined) byCommand.set(command, [...(byCommand.get(command) ?? []), key]);
  }
  return byCommand;
}

const ROUTES: Record<Dialect, ReadonlyMap<string, readonly CallbackKey[]>> = {
  openim: index((key) => CALLBACKS[key].openim.command),
  tencent: index((key) => (CALLBACKS[key] as CallbackDefinition).tencent?.command),
};

/** The hooks a command may stand for, those that own this body first (see TencentSpec.owns). */
export function preferred(keys: readonly CallbackKey[], dialect: Dialect, body: unknown): readonly CallbackKey[] {
  if (dialect !== 'tencent' || keys.length < 2 || typeof body !== 'object' || body === null) return keys;
  const owns = (k: CallbackKey) =>
    (CALLBACKS[k] as CallbackDefinition).tencent?.owns?.(body as Record<string, unknown>) ?? false;
  return [...keys.filter(owns), ...keys.filter((k) => !owns(k))];
}

/** The hooks a command may stand for, in CALLBACKS order; [] for a command this version does not know. */
export const hooksFor = (dialect: Dialect, command: string): readonly CallbackKey[] =>
  ROUTES[dialect].get(command) ?? [];
