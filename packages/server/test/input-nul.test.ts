// U+0000 in any string input is refused with ArgsError (1001) naming the field, and changes nothing:
// every REST body (PostgreSQL's text cannot hold NUL, so these answered 500 there; SQLite stored
// them), the callbacks file (at start-up and in `huddle config check`) and /callback/set_config.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, type TestServer } from './harness.js';

const NUL = '\u0000';
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'huddle.js');

let s: TestServer;
let g: string;
let tokenO: string;
let tokenM: string;

beforeAll(async () => {
  s = await startServer();
  await s.register('nul_o', 'nul_m', 'nul_x');
  g = (await createGroup(s, { owner: 'nul_o', members: ['nul_m'] })).groupID;
  tokenO = await s.tokenFor('nul_o');
  tokenM = await s.tokenFor('nul_m');
});
afterAll(async () => {
  await s.close();
});

/** Everything the API can change, as rows, to show a refused request changed nothing. */
async function state() {
  const tables = ['users', 'tokens', '"groups"', 'group_members', 'group_requests', 'webhook_events', 'settings'];
  return Object.fromEntries(
    await Promise.all(tables.map(async (t) => [t, await s.query(`SELECT * FROM ${t} ORDER BY 1, 2`)])),
  );
}

/** [route, body, caller, field the answer must name]; the caller's token is looked up at run time. */
type Case = [string, Record<string, unknown>, 'admin' | 'owner' | 'member', string];
const cases = (): Case[] => [
  ['/user/user_register', { users: [{ userID: `nul_a${NUL}`, nickname: 'a' }] }, 'admin', 'users[0].userID'],
  ['/user/user_register', { users: [{ userID: 'nul_b', nickname: `b${NUL}` }] }, 'admin', 'users[0].nickname'],
  ['/user/update_user_info_ex', { userInfo: { userID: 'nul_m', nickname: `m${NUL}` } }, 'member', 'userInfo.nickname'],
  ['/user/get_users_info', { userIDs: [`nul_m${NUL}`] }, 'admin', 'userIDs[0]'],
  ['/auth/get_user_token', { userID: `nul_m${NUL}`, platformID: 5 }, 'admin', 'userID'],
  [
    '/group/create_group',
    { ownerUserID: 'nul_o', groupInfo: { groupType: 2, groupName: `x${NUL}y` } },
    'admin',
    'groupInfo.groupName',
  ],
  [
    '/group/create_group',
    { ownerUserID: 'nul_o', groupInfo: { groupType: 2, groupID: `g${NUL}` } },
    'admin',
    'groupInfo.groupID',
  ],
  [
    '/group/set_group_info',
    { groupInfoForSet: { groupID: '', groupName: `n${NUL}` } },
    'owner',
    'groupInfoForSet.groupName',
  ],
  ['/group/set_group_info_ex', { groupID: '', introduction: `i${NUL}` }, 'owner', 'introduction'],
  ['/group/join_group', { groupID: '', reqMessage: `hi${NUL}`, joinSource: 3 }, 'admin', 'reqMessage'],
  ['/group/invite_user_to_group', { groupID: '', invitedUserIDs: [`nul_x${NUL}`] }, 'owner', 'invitedUserIDs[0]'],
  ['/group/kick_group', { groupID: '', kickedUserIDs: ['nul_m'], reason: `r${NUL}` }, 'owner', 'reason'],
  [
    '/group/set_group_member_info',
    { members: [{ groupID: '', userID: 'nul_m', nickname: `n${NUL}` }] },
    'owner',
    'members[0].nickname',
  ],
  [
    '/group/set_group_member_info',
    { members: [{ groupID: '', userID: 'nul_m', ex: `e${NUL}` }] },
    'owner',
    'members[0].ex',
  ],
  ['/group/get_group_member_list', { groupID: '', keyword: NUL, pagination: page() }, 'owner', 'keyword'],
  ['/group/get_group_member_list', { groupID: '', keyword: `nul${NUL}`, pagination: page() }, 'member', 'keyword'],
  ['/group/get_groups_info', { groupIDs: [`${NUL}`] }, 'admin', 'groupIDs[0]'],
  [
    '/group/transfer_group',
    { groupID: '', oldOwnerUserID: 'nul_o', newOwnerUserID: `nul_m${NUL}` },
    'owner',
    'newOwnerUserID',
  ],
  [
    '/group/group_application_response',
    { groupID: '', fromUserID: 'nul_x', handledMsg: `ok${NUL}`, handleResult: 1 },
    'owner',
    'handledMsg',
  ],
  ['/group/quit_group', { groupID: `${NUL}` }, 'member', 'groupID'],
  ['/group/mute_group_member', { groupID: '', userID: `nul_m${NUL}`, mutedSeconds: 60 }, 'owner', 'userID'],
  ['/callback/get_event', { eventID: `evt_${NUL}` }, 'admin', 'eventID'],
];

describe('NUL in a REST body', () => {
  it('answers 1001 naming the field on every route, and changes nothing', async () => {
    const before = await state();
    const token = { admin: s.adminToken, owner: tokenO, member: tokenM };
    const got: string[] = [];
    const want: string[] = [];
    for (const [route, body, caller, field] of cases()) {
      // Bodies with groupID '' act on the test group.
      const filled = JSON.parse(JSON.stringify(body).replaceAll('"groupID":""', `"groupID":"${g}"`));
      const res = await s.client.post(route, filled, token[caller]);
      got.push(`${route} ${res.errCode} ${res.errMsg} ${res.errDlt}`);
      want.push(`${route} 1001 ArgsError ${field} must not contain NUL`);
    }
    expect(got).toEqual(want);
    expect(await state()).toEqual(before);
    // And the keyword "\u0000" finds nobody rather than everybody: it is refused above; a plain
    // search still answers.
    const list = await s.client.ok(
      '/group/get_group_member_list',
      { groupID: g, keyword: 'nul_m', pagination: page() },
      tokenO,
    );
    expect(list.members.map((m: any) => m.userID)).toEqual(['nul_m']);
  });
});

describe('NUL in the callback configuration', () => {
  it('/callback/set_config answers 1001 naming the key and keeps the configuration in force', async () => {
    const before = await s.client.ok('/callback/get_config', {}, s.adminToken);
    const bad: [Record<string, unknown>, string][] = [
      [{ url: `http://127.0.0.1:9/cb${NUL}` }, 'url'],
      [
        {
          url: 'http://127.0.0.1:9/cb',
          endpoints: [{ name: 'b', url: 'http://127.0.0.1:9/b', dialect: 'tencent', sdkAppId: '1', token: `t${NUL}` }],
        },
        'endpoints[0].token',
      ],
      [{ url: 'http://127.0.0.1:9/cb', [`after${NUL}`]: { enable: true } }, '(top level)'],
    ];
    for (const [config, key] of bad) {
      const res = await s.client.post('/callback/set_config', { config }, s.adminToken);
      expect(res.errCode, key).toBe(1001);
      expect(res.errDlt).toContain(`callback configuration: ${key}: `);
      expect(res.errDlt).toContain('must not contain NUL');
    }
    expect(await s.client.ok('/callback/get_config', {}, s.adminToken)).toEqual(before);
  });

  it('a callbacks file with NUL stops the start-up, naming the key', async () => {
    const file = path.join(s.dir, 'nul-webhooks.yml');
    fs.writeFileSync(file, 'url: "http://127.0.0.1:9/cb\\0x"\nafterQuitGroup: {enable: true}\n');
    await expect(startServer({ env: { HUDDLE_CALLBACKS: file } })).rejects.toThrow(
      'callback configuration: url: must not contain NUL',
    );
  });

  it('huddle config check reports the key with NUL, exit code 2', async () => {
    const file = path.join(s.dir, 'nul-check.yml');
    fs.writeFileSync(file, 'url: http://127.0.0.1:9/cb\nendpoints:\n  - name: b\n    url: "http://127.0.0.1:9/b\\0"\n');
    const child = spawn(process.execPath, [BIN, 'config', 'check', file, '--json'], {
      env: { ...process.env, HUDDLE_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    const { errors } = JSON.parse(stdout) as { errors: { key: string; message: string }[] };
    expect(errors).toEqual([expect.objectContaining({ key: 'endpoints[0].url', message: 'must not contain NUL' })]);
  });
});
