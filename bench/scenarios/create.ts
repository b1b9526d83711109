// Scenario 2: create_group by the app admin: owner + 4 members, owners rotating over a pool of users.

import { ids } from '../lib/huddle.js';
import { runPhase } from '../lib/phase.js';
import { defineScenario } from '../lib/scenario.js';
import { verify } from '../lib/verify.js';

export const create = defineScenario({
  name: 'create',
  measures: 'create_group (owner + 4 members) by the app admin, groups/s',
  byDefault: true,
  uses: ['huddle'],
  async run(ctx) {
    const h = ctx.huddle();
    const users = ids('cg', 2000);
    await h.register(users);
    const created: { groupID: string; owner: string }[] = [];
    const { result } = await runPhase('create_group', 'groups/s', h.api, h.child.proc.pid, async (rec, _w, seq) => {
      const base = (seq * 5) % users.length;
      const owner = users[base]!;
      const members = [1, 2, 3, 4].map((k) => users[(base + k) % users.length]!);
      const body = JSON.stringify({
        ownerUserID: owner,
        adminUserIDs: [],
        memberUserIDs: members,
        groupInfo: { groupID: '', groupName: `bench ${seq}`, groupType: 2, needVerification: 0 },
      });
      const data = await rec.call('/group/create_group', body, h.adminToken, (d) => {
        const g = d?.groupInfo;
        if (!g?.groupID) return 'no groupID';
        if (g.memberCount !== 5) return `memberCount ${g.memberCount}`;
        if (g.ownerUserID !== owner) return `owner ${g.ownerUserID}`;
        return undefined;
      });
      if (data === undefined) return false;
      created.push({ groupID: data.groupInfo.groupID, owner });
      return true;
    });
    verify(
      result,
      result.errors === 0,
      `every create_group returned errCode 0 with memberCount 5 (${result.errors} errors)`,
    );
    const unique = new Set(created.map((c) => c.groupID)).size;
    verify(
      result,
      unique === created.length,
      `${created.length} groups created (warm-up included), ${unique} distinct groupIDs`,
    );
    // Read back a sample: the groups exist with the right owner and member count.
    const sample = Array.from(
      { length: Math.min(200, created.length) },
      () => created[Math.floor(Math.random() * created.length)]!,
    );
    const byID = new Map(sample.map((c) => [c.groupID, c.owner]));
    const info = await h.api.ok<{ groupInfos: any[] }>(
      '/group/get_groups_info',
      { groupIDs: [...byID.keys()] },
      h.adminToken,
    );
    const good = info.groupInfos.filter((g) => byID.get(g.groupID) === g.ownerUserID && g.memberCount === 5).length;
    verify(
      result,
      good === byID.size,
      `read-back of ${byID.size} random groups: ${good} found with the right owner and 5 members`,
    );
    return { phases: [result], kind: 'throughput', result: undefined };
  },
});
