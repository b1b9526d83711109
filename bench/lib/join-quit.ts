// The join+quit load of scenario 3, also run with callbacks on and off (5a) and on PostgreSQL (6a).

import type { Api } from './api.js';
import { type Huddle, ids } from './huddle.js';
import type { PhaseResult } from './phase.js';
import type { Recorder } from './recorder.js';
import { verify } from './verify.js';

/**
 * `loops` users, each joining and then quitting `groupCount` needVerification=2 groups round-robin
 * with its own token.
 */
export interface JoinQuitLoad {
  owner: string;
  groups: string[];
  joiners: string[];
  /** Successful calls since the last reset (warm-up included). */
  joins: number;
  quits: number;
  op: (rec: Recorder, w: number) => Promise<boolean>;
}

export async function setupJoinQuit(
  h: Huddle,
  prefix: string,
  groupCount: number,
  loops: number,
  /** Which instance loop w sends to (default h): splits the load over several instances. */
  via: (w: number) => Api = () => h.api,
): Promise<JoinQuitLoad> {
  const owner = `${prefix}_owner`;
  const joiners = ids(prefix, loops);
  await h.register([owner, ...joiners]);
  const tokens = await Promise.all(joiners.map((u) => h.tokenFor(u)));
  const groups: string[] = [];
  for (let i = 0; i < groupCount; i++) {
    const d = await h.api.ok(
      '/group/create_group',
      {
        ownerUserID: owner,
        adminUserIDs: [],
        memberUserIDs: [],
        groupInfo: { groupID: '', groupName: `open ${i}`, groupType: 2, needVerification: 2 },
      },
      h.adminToken,
    );
    groups.push(d.groupInfo.groupID);
  }
  const rounds = new Array<number>(loops).fill(0);
  const load: JoinQuitLoad = {
    owner,
    groups,
    joiners,
    joins: 0,
    quits: 0,
    // Worker w is user w; it walks the groups round-robin, so a user never races itself.
    async op(rec, w) {
      const groupID = groups[(w + rounds[w]!++) % groupCount]!;
      const userID = joiners[w]!;
      const token = tokens[w]!;
      const api = via(w);
      const j = await rec.call(
        '/group/join_group',
        JSON.stringify({ groupID, reqMessage: '', joinSource: 3, inviterUserID: '', ex: '' }),
        token,
        undefined,
        undefined,
        api,
      );
      if (j === undefined) return false;
      load.joins++;
      const q = await rec.call(
        '/group/quit_group',
        JSON.stringify({ groupID, userID }),
        token,
        undefined,
        undefined,
        api,
      );
      if (q === undefined) return false;
      load.quits++;
      return true;
    },
  };
  return load;
}

/** After a join+quit phase: no call failed, and every group is back to only its owner. */
export async function verifyJoinQuit(h: Huddle, load: JoinQuitLoad, result: PhaseResult): Promise<void> {
  verify(result, result.errors === 0, `every join_group and quit_group returned errCode 0 (${result.errors} errors)`);
  verify(result, load.joins === load.quits, `${load.joins} joins and ${load.quits} quits succeeded (warm-up included)`);
  const info = await h.api.ok<{ groupInfos: any[] }>('/group/get_groups_info', { groupIDs: load.groups }, h.adminToken);
  const counts = info.groupInfos.map((g) => g.memberCount as number);
  verify(
    result,
    counts.length === load.groups.length && counts.every((c) => c === 1),
    `after the run every group has only its owner (memberCount ${[...new Set(counts)].join(',')})`,
  );
  let listed = 0;
  for (const groupID of load.groups) {
    const l = await h.api.ok(
      '/group/get_group_member_list',
      { groupID, pagination: { pageNumber: 1, showNumber: 100 }, filter: 0, keyword: '' },
      h.adminToken,
    );
    if (l.total === 1 && l.members.length === 1 && l.members[0].userID === load.owner) listed++;
  }
  verify(
    result,
    listed === load.groups.length,
    `member lists: ${listed}/${load.groups.length} groups list exactly the owner`,
  );
}
