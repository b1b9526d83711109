// The hooks huddle knows (get_config's `hooks`: every one, configured or not, so a filter can name
// a hook enabled only on a listed endpoint), optionally those of one phase; the console keeps no list.

import { call } from './api';
import type { HookInfo } from './callbackConfigFields';
import type { ConfigView } from './types';
import { useLoad } from './useLoad';

export function useCallbackKeys(phase?: HookInfo['phase']): string[] {
  const { data } = useLoad(() => call<ConfigView & { hooks: HookInfo[] }>('/callback/get_config', {}), []);
  return (data?.hooks ?? []).filter((h) => !phase || h.phase === phase).map((h) => h.key);
}
