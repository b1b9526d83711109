// A blank group name is never an error, in any call that takes one (OpenIM answers none): create_group
// stores it as given, and a change to a blank name (set_group_info, set_group_info_ex) leaves the
// name as it is while the call's other fields still apply.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, startServer, type TestServer } from './harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
  await s.register('gn_owner');
});
afterAll(() => s.close());

const infoOf = async (groupID: string) =>
  (await s.client.ok('/group/get_groups_info', { groupIDs: [groupID] }, s.adminToken)).groupInfos[0];

describe('blank group names', () => {
  it('create_group keeps a blank name as given', async () => {
    for (const groupName of ['', '   ']) {
      const g = await createGroup(s, { owner: 'gn_owner', groupName });
      expect((await infoOf(g.groupID)).groupName).toBe(groupName);
    }
  });

  it('set_group_info_ex and set_group_info leave the name for a blank one, and apply the rest', async () => {
    const g = await createGroup(s, { owner: 'gn_owner', groupName: 'hikers' });
    await s.client.ok(
      '/group/set_group_info_ex',
      { groupID: g.groupID, groupName: '  ', introduction: 'we walk' },
      s.adminToken,
    );
    expect(await infoOf(g.groupID)).toMatchObject({ groupName: 'hikers', introduction: 'we walk' });
    await s.client.ok(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: ' ', notification: 'boots on' } },
      s.adminToken,
    );
    expect(await infoOf(g.groupID)).toMatchObject({ groupName: 'hikers', notification: 'boots on' });
    // A real name still changes it.
    await s.client.ok('/group/set_group_info_ex', { groupID: g.groupID, groupName: 'ramblers' }, s.adminToken);
    expect((await infoOf(g.groupID)).groupName).toBe('ramblers');
  });
});
