// Tencent answers name modification fields its own way (RefusedMembers_Account for OpenIM's
// refusedMembersAccount). The hook declarations say how huddle reads such an answer; reading it once
// with a recording answer turns that into field -> answer key, so the mapping is declared only once.

import type { HookDefinition } from '@huddle/protocol';

const ANSWER_KEY = Symbol('answer key');

/** Modification field -> Tencent answer key; undefined when Tencent takes no modification for the hook. */
export function tencentAnswerKeys(hook: HookDefinition): ReadonlyMap<string, string> | undefined {
  const read = hook.tencent?.modification;
  if (!read) return undefined;
  const recorder = new Proxy({}, { get: (_, key) => (typeof key === 'string' ? { [ANSWER_KEY]: key } : undefined) });
  const fields = read(recorder) as Record<string, { [ANSWER_KEY]?: string } | undefined>;
  const keys = new Map<string, string>();
  for (const [field, value] of Object.entries(fields)) {
    const key = value?.[ANSWER_KEY];
    // A modification that computes a field rather than renaming one cannot be inverted this way.
    if (key === undefined) throw new Error(`${hook.key}: Tencent field for ${field} is not a plain answer key`);
    keys.set(field, key);
  }
  return keys;
}
