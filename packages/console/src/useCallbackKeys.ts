// The hooks huddle knows, read from the configuration document (every entry with an `enable`), so
// the console needs no list of its own.

import { call } from './api';
import { isHookEntry } from './callbackConfigFields';
import type { ConfigView } from './types';
import { useLoad } from './useLoad';

export function useCallbackKeys(): string[] {
  const { data } = useLoad(() => call<ConfigView>('/callback/get_config', {}), []);
  return data ? Object.keys(data.config).filter((k) => isHookEntry(data.config[k])) : [];
}
