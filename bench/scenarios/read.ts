// Scenario 4: get_group_member_list of a 200-member group, whole list in one page, by a member.

import { ids } from '../lib/huddle.js';
import { runPhase } from '../lib/phase.js';
import { defineScenario } from '../lib/scenario.js';
import { verify } from '../lib/verify.js';

export const read = defineScenario({
  name: 'read',
  measures: 'get_group_member_list of a 200-member group in one page, lists/s',
  byDefault: true,
  uses: ['huddle'],
  async run(ctx) {
    const h = ctx.huddle();
    const users = ids('rd', 200);
    await h.register(users);
    const d = await h.api.ok(
      '/group/create_group',
      {
        ownerUserID: users[0],
        adminUserIDs: users.slice(1, 4),
        memberUserIDs: users.slice(4),
        groupInfo: { groupID: '', groupName: 'big', groupType: 2, needVerification: 0 },
      },
      h.adminToken,
    );
    const groupID: string = d.groupInfo.groupID;
    const token = await h.tokenFor(users[10]!);
    const body = JSON.stringify({ groupID, pagination: { pageNumber: 1, showNumber: 200 }, filter: 0, keyword: '' });
    let bytes = 0;
    const { result } = await runPhase(
      'get_group_member_list (200)',
      'lists/s',
      h.api,
      h.child.proc.pid,
      async (rec) => {
        const data = await rec.call('/group/get_group_member_list', body, token, (x) => {
          if (x?.total !== 200) return `total ${x?.total}`;
          if (x.members?.length !== 200) return `members ${x.members?.length}`;
          return undefined;
        });
        if (data !== undefined && bytes === 0) bytes = JSON.stringify(data).length;
        return data !== undefined;
      },
    );
    verify(
      result,
      result.errors === 0,
      `every get_group_member_list returned errCode 0 with total 200 and 200 members (${result.errors} errors)`,
    );
    result.verification.push(`info: response data is ${bytes} bytes of JSON`);
    return { phases: [result], kind: 'throughput', result: undefined };
  },
});
