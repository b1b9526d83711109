// Scenario 1 (always runs, before and after the others): bare node:http in a child process, same
// request shape and client as the huddle phases. Every huddle throughput figure is a ratio to it.

import { Api } from '../lib/api.js';
import { freePort, startChild, stopChild, waitReady } from '../lib/children.js';
import { type PhaseResult, runPhase } from '../lib/phase.js';
import { CONCURRENCY } from '../lib/settings.js';
import { verify } from '../lib/verify.js';
import { tmpPath } from '../lib/workdir.js';

export async function baseline(label: 'before' | 'after'): Promise<PhaseResult> {
  const port = await freePort();
  const child = startChild(
    `bare node:http (${label})`,
    'bench/bare-server.ts',
    { BARE_PORT: String(port) },
    tmpPath('bare.log'),
  );
  const api = new Api(`http://127.0.0.1:${port}`, CONCURRENCY);
  try {
    await waitReady(child, async () => (await api.post('/ping', '{}')).status === 200);
    // A body the size and shape of a create_group request.
    const body = JSON.stringify({
      ownerUserID: 'u_000001',
      adminUserIDs: [],
      memberUserIDs: ['u_000002', 'u_000003', 'u_000004', 'u_000005'],
      groupInfo: { groupID: '', groupName: 'bench', groupType: 2, needVerification: 0 },
    });
    const { result } = await runPhase(`baseline ${label}`, 'req/s', api, child.proc.pid, async (rec) => {
      return (await rec.call('/group/create_group', body)) !== undefined;
    });
    verify(result, result.errors === 0, `every response HTTP 200 errCode 0 (${result.errors} errors)`);
    return result;
  } finally {
    await api.close();
    await stopChild(child);
  }
}
