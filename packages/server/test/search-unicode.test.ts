// Keyword search ignores case beyond ASCII, the same on both engines: get_group_member_list's keyword
// finds "Дмитрий", "Ölaf", "ÉLODIE" and "Σοφία" typed in any case, in the profile nickname and in the
// in-group nickname. (SQLite's built-in lower() folds ASCII only: 0 of 12 were found there before.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, type TestServer } from './harness.js';

const NAMES = ['Дмитрий', 'Ölaf', 'ÉLODIE', 'Σοφία'];

let s: TestServer;
let g: string;

beforeAll(async () => {
  s = await startServer();
  // su_p<i> carries the name as profile nickname; su_g<i> as in-group nickname, in capitals.
  await s.register(
    'su_owner',
    ...NAMES.flatMap((name, i) => [
      { userID: `su_p${i}`, nickname: `${name} P` },
      { userID: `su_g${i}`, nickname: `plain ${i}` },
    ]),
  );
  g = (await createGroup(s, { owner: 'su_owner', members: NAMES.flatMap((_, i) => [`su_p${i}`, `su_g${i}`]) })).groupID;
  await s.client.ok(
    '/group/set_group_member_info',
    { members: NAMES.map((name, i) => ({ groupID: g, userID: `su_g${i}`, nickname: `G ${name.toUpperCase()}` })) },
    s.adminToken,
  );
});
afterAll(async () => {
  await s.close();
});

async function search(keyword: string): Promise<string[]> {
  const { total, members } = await s.client.ok(
    '/group/get_group_member_list',
    { groupID: g, keyword, pagination: page() },
    s.adminToken,
  );
  expect(total).toBe(members.length);
  return members.map((m: any) => m.userID).sort();
}

describe('get_group_member_list keyword', () => {
  it('finds non-ASCII names typed as stored, in lower case and in capitals', async () => {
    const got: Record<string, string[]> = {};
    const want: Record<string, string[]> = {};
    NAMES.forEach((name, i) => {
      for (const keyword of [name, name.toLowerCase(), name.toUpperCase()]) want[keyword] = [`su_g${i}`, `su_p${i}`];
    });
    for (const keyword of Object.keys(want)) got[keyword] = await search(keyword);
    expect(got).toEqual(want);
  });

  it('still matches userIDs and ASCII names without regard to case, and escapes LIKE wildcards', async () => {
    expect(await search('SU_P1')).toEqual(['su_p1']);
    expect(await search('Su_OwNeR')).toEqual(['su_owner']);
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toHaveLength(9);
    // A word-final capital sigma: JavaScript lowers it to ς, PostgreSQL to σ; each engine lowers
    // the keyword as it lowers the names, so the name typed as stored is found on both.
    await s.register({ userID: 'su_final', nickname: 'ΟΔΥΣΣΕΥΣ' });
    await s.client.ok('/group/invite_user_to_group', { groupID: g, invitedUserIDs: ['su_final'] }, s.adminToken);
    expect(await search('ΟΔΥΣΣΕΥΣ')).toEqual(['su_final']);
  });
});
