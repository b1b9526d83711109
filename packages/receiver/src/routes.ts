// Which hook a command belongs to, per dialect, from the hook declarations. OpenIM commands name one
// hook each. A Tencent command may stand for several (Group.CallbackAfterMemberExit for quit and
// kick, Group.CallbackAfterGroupInfoChanged for set_group_info and set_group_info_ex): the hook
// whose declaration owns the body comes first (ExitType), then the others in HOOKS order; the
// request goes to the first of them that has a handler.

import { HOOK_KEYS, HOOKS, type HookDefinition, type HookKey } from '@huddle/protocol';
import type { Dialect } from './events.js';

function index(commandOf: (key: HookKey) => string | undefined): ReadonlyMap<string, readonly HookKey[]> {
  const byCommand = new Map<string, HookKey[]>();
  for (const key of HOOK_KEYS) {
    const command = commandOf(key);
    if (command !== undefined) byCommand.set(command, [...(byCommand.get(command) ?? []), key]);
  }
  return byCommand;
}

const ROUTES: Record<Dialect, ReadonlyMap<string, readonly HookKey[]>> = {
  openim: index((key) => HOOKS[key].openim.command),
  tencent: index((key) => (HOOKS[key] as HookDefinition).tencent?.command),
};

/** The hooks a command may stand for, those that own this body first (see TencentSpec.owns). */
export function preferred(keys: readonly HookKey[], dialect: Dialect, body: unknown): readonly HookKey[] {
  if (dialect !== 'tencent' || keys.length < 2 || typeof body !== 'object' || body === null) return keys;
  const owns = (k: HookKey) => (HOOKS[k] as HookDefinition).tencent?.owns?.(body as Record<string, unknown>) ?? false;
  return [...keys.filter(owns), ...keys.filter((k) => !owns(k))];
}

/** The hooks a command may stand for, in HOOKS order; [] for a command this version does not know. */
export const hooksFor = (dialect: Dialect, command: string): readonly HookKey[] => ROUTES[dialect].get(command) ?? [];
