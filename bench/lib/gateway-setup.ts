// The gateway scenarios' users, groups and tokens, made over huddle's REST API before anything is
// measured: GATEWAY_GROUPS groups of GROUP_SIZE (each group its own users), one large group of all
// of those users, and a platform-5 token for each user (idle connections use more users).

import type { Huddle } from './huddle.js';
import { ids } from './huddle.js';

export const GATEWAY_GROUPS = 20;
export const GROUP_SIZE = 100;

export interface Group {
  groupID: string;
  members: string[];
}

export interface GatewayUsers {
  /** Every user, the group members first. */
  users: string[];
  tokens: Map<string, string>;
  groups: Group[];
  large: Group;
}

async function createGroup(h: Huddle, name: string, members: string[]): Promise<string> {
  // create_group takes up to 1,000 IDs; the rest are invited.
  const first = members.slice(0, 1000);
  const data = await h.api.ok<{ groupInfo: { groupID: string } }>(
    '/group/create_group',
    {
      ownerUserID: first[0],
      adminUserIDs: [],
      memberUserIDs: first.slice(1),
      groupInfo: { groupID: '', groupName: name, groupType: 2, needVerification: 0 },
    },
    h.adminToken,
  );
  const groupID = data.groupInfo.groupID;
  for (let i = 1000; i < members.length; i += 1000)
    await h.api.ok(
      '/group/invite_user_to_group',
      { groupID, reason: 'bench', invitedUserIDs: members.slice(i, i + 1000) },
      h.adminToken,
    );
  return groupID;
}

/** `userCount` users (at least the groups' members), the groups, and every user's token. */
export async function setupGatewayUsers(h: Huddle, prefix: string, userCount: number): Promise<GatewayUsers> {
  const users = ids(prefix, Math.max(userCount, GATEWAY_GROUPS * GROUP_SIZE));
  process.stdout.write(
    `  setup: ${users.length} users, ${GATEWAY_GROUPS} groups of ${GROUP_SIZE}, one of ${GATEWAY_GROUPS * GROUP_SIZE}, tokens ... `,
  );
  const t0 = performance.now();
  await h.register(users);
  const groups: Group[] = [];
  for (let g = 0; g < GATEWAY_GROUPS; g++) {
    const members = users.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE);
    groups.push({ groupID: await createGroup(h, `gateway ${g}`, members), members });
  }
  const largeMembers = users.slice(0, GATEWAY_GROUPS * GROUP_SIZE);
  const large = { groupID: await createGroup(h, 'gateway large', largeMembers), members: largeMembers };
  const tokens = new Map<string, string>();
  for (let i = 0; i < users.length; i += 32)
    await Promise.all(users.slice(i, i + 32).map(async (u) => tokens.set(u, await h.tokenFor(u))));
  console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { users, tokens, groups, large };
}

/** The conversations a user's connection checks: its group's and the large group's. */
export function convsOf(u: GatewayUsers): Map<string, string[]> {
  const convs = new Map<string, string[]>();
  for (const g of [...u.groups, u.large])
    for (const m of g.members) convs.set(m, [...(convs.get(m) ?? []), `sg_${g.groupID}`]);
  return convs;
}
