// The bare gateway (bench/bare-gateway.ts) as a child: started on a free port, told the groups' members.

import { Api } from './api.js';
import { type Child, freePort, startChild, waitReady } from './children.js';
import { tmpPath } from './workdir.js';

export interface BareGateway {
  child: Child;
  url: string;
  setGroups(groups: Record<string, string[]>): Promise<void>;
  close(): Promise<void>;
}

export async function startBareGateway(nodeArgs: string[]): Promise<BareGateway> {
  const port = await freePort();
  const child = startChild(
    'bare-gateway',
    'bench/bare-gateway.ts',
    { BARE_GATEWAY_PORT: String(port) },
    tmpPath('bare-gateway.log'),
    nodeArgs,
  );
  const api = new Api(`http://127.0.0.1:${port}`, 1);
  await waitReady(child, async () => (await api.post('/stats', '{}')).status === 200);
  return {
    child,
    url: `ws://127.0.0.1:${port}`,
    async setGroups(groups) {
      const r = await api.post('/groups', JSON.stringify({ groups }));
      if (r.status !== 200) throw new Error(`bare gateway /groups: HTTP ${r.status}`);
    },
    close: () => api.close(),
  };
}
