// The endpoints of the configuration in force (default first), for the delivery log's endpoint filters.

import { call } from './api';
import type { Doc } from './callbackConfigFields';
import { endpointsOf } from './endpointDocs';
import type { ConfigView } from './types';
import { useLoad } from './useLoad';

export function useEndpointNames(): string[] {
  const { data } = useLoad(() => call<ConfigView>('/callback/get_config', {}), []);
  return data ? endpointsOf(data.config as Doc).map((e) => e.name) : [];
}
