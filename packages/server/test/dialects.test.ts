// Tencent Cloud Chat's dialect beside OpenIM's: the Sign example, the fixture per Tencent command
// (seed 001 field for field), one server sending every operation to an OpenIM endpoint and a
// Tencent endpoint at once (every query parameter checked), Tencent verdicts (deny, custom deny,
// partial invite refusal, failures), HUDDLE_MAX_GROUP_MEMBERS with afterGroupFull, and the
// configuration rules of `endpoints:`.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { CALLBACK_KEYS, CALLBACKS, tencentSign, tencentUrl, type CallbackKey } from '@huddle/protocol';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, startServer, type TestServer } from './harness.js';
import { startReceiver, type Receiver, type ReceivedRequest } from './receiver.js';
import { expectShape, loadFixture, shapeDiff, TENCENT_FIXTURE_DIR } from './shape.js';
import { itWithSeeds, readSeed } from './seeds.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SDK_APP_ID = '1400123456';
const TOKEN = 'xxxxyyyy';
const MAX_MEMBERS = 6;

const TENCENT_KEYS = CALLBACK_KEYS.filter((k) => CALLBACKS[k].tencent);
const AFTER_KEYS = CALLBACK_KEYS.filter((k) => CALLBACKS[k].phase === 'after');
const TENCENT_COMMANDS = [...new Set(TENCENT_KEYS.map((k) => CALLBACKS[k].tencent!.command))];
const im = (key: CallbackKey) => CALLBACKS[key].openim.command;
const tc = (key: CallbackKey) => CALLBACKS[key].tencent!.command;

describe('Tencent signing and URL', () => {
  it("computes Tencent's published Sign example", () => {
    expect(tencentSign('xxxxyyyy', 1669872112)).toBe(
      '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061',
    );
  });

  it("appends Tencent's query parameters in its order, Sign and RequestTime only with a token", () => {
    const p = {
      sdkAppId: '888888',
      command: 'Group.CallbackAfterNewMemberJoin',
      clientIP: '10.0.0.7',
      optPlatform: 'iOS',
      requestTimeSeconds: 1669872112,
    };
    expect(tencentUrl('https://www.example.com', p)).toBe(
      'https://www.example.com?SdkAppid=888888&CallbackCommand=Group.CallbackAfterNewMemberJoin&contenttype=json&ClientIP=10.0.0.7&OptPlatform=iOS',
    );
    const signed = new URL(tencentUrl('https://biz.example.com/im?region=sg', { ...p, token: 'xxxxyyyy' }));
    expect([...signed.searchParams.keys()]).toEqual([
      'region',
      'SdkAppid',
      'CallbackCommand',
      'contenttype',
      'ClientIP',
      'OptPlatform',
      'Sign',
      'RequestTime',
    ]);
    expect(signed.searchParams.get('Sign')).toBe('17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061');
  });
});

// Seed 001's sample request, as printed (comments removed).
const SEED_001 = {
  CallbackCommand: 'Group.CallbackAfterCreateGroup',
  GroupId: '@TGS#2J4SZEAEL',
  Operator_Account: 'group_root',
  Owner_Account: 'leckie',
  Type: 'Public',
  Name: 'MyFirstGroup',
  MemberList: [{ Member_Account: 'bob' }, { Member_Account: 'peter' }],
  UserDefinedDataList: [
    { Key: 'UserDefined1', Value: 'hello' },
    { Key: 'UserDefined2', Value: 'world' },
  ],
  EventTime: '1670574414123',
};

describe('Tencent fixtures', () => {
  it('hold exactly one fixture per Tencent command huddle sends', () => {
    const files = fs.readdirSync(TENCENT_FIXTURE_DIR).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(TENCENT_COMMANDS.map((c) => `${c}.json`).sort());
    for (const c of TENCENT_COMMANDS) expect(loadFixture(c).body.CallbackCommand).toBe(c);
  });

  it('match seed 001 field for field; EventTime is the number its field table names', () => {
    expect(shapeDiff(SEED_001, 'Group.CallbackAfterCreateGroup')).toEqual(['EventTime: expected number, got string']);
  });

  itWithSeeds('quote seed 001 as it is printed', () => {
    const text = readSeed('001');
    const start = text.indexOf('{', text.indexOf('Sample request'));
    const end = text.indexOf('Request fields', start);
    const json = text.slice(start, text.lastIndexOf('}', end) + 1).replace(/\/\/[^\n]*/g, '');
    expect(JSON.parse(json)).toEqual(SEED_001);
  });
});

let s: TestServer;
let rxIM: Receiver;
let rxTC: Receiver;
let n = 0;
const uid = (p: string) => `${p}${++n}_${crypto.randomBytes(2).toString('hex')}`;

/** Both endpoints: OpenIM's at the top-level url, Tencent's listed. `tencentHooks` overrides per hook. */
async function configure(tencentHooks: Record<string, unknown> = {}, openimHooks: Record<string, unknown> = {}) {
  const after = (keys: CallbackKey[]) => Object.fromEntries(keys.map((k) => [k, { enable: true, timeout: 2 }]));
  await s.client.ok(
    '/callback/set_config',
    {
      config: {
        url: rxIM.url,
        signingSecret: SECRET,
        retrySchedule: Array(10).fill(0.1),
        ...after(AFTER_KEYS),
        ...openimHooks,
        endpoints: [
          {
            name: 'tencent',
            url: rxTC.url,
            dialect: 'tencent',
            sdkAppId: SDK_APP_ID,
            token: TOKEN,
            signingSecret: SECRET,
            hooks: { ...after(AFTER_KEYS.filter((k) => CALLBACKS[k].tencent)), ...tencentHooks },
          },
        ],
      },
    },
    s.adminToken,
  );
}

/** Every query parameter Tencent sends, checked against what the request should carry. */
function expectTencentQuery(r: ReceivedRequest, optPlatform: string) {
  const q = r.query;
  expect(r.rawQuery.split('&').map((p) => p.split('=')[0])).toEqual([
    'SdkAppid',
    'CallbackCommand',
    'contenttype',
    'ClientIP',
    'OptPlatform',
    'Sign',
    'RequestTime',
  ]);
  expect(q.SdkAppid).toBe(SDK_APP_ID);
  expect(q.CallbackCommand).toBe(r.body.CallbackCommand);
  expect(q.contenttype).toBe('json');
  expect(q.ClientIP).toBe('127.0.0.1');
  expect(q.OptPlatform, r.body.CallbackCommand).toBe(optPlatform);
  expect(Math.abs(Number(q.RequestTime) - Date.now() / 1000)).toBeLessThan(60);
  expect(q.Sign).toBe(
    crypto
      .createHash('sha256')
      .update(TOKEN + q.RequestTime)
      .digest('hex'),
  );
  expect(r.method).toBe('POST');
  expect(r.path).toBe('/callbackExample');
}

beforeAll(async () => {
  rxIM = await startReceiver();
  rxTC = await startReceiver();
  s = await startServer({ env: { HUDDLE_MAX_GROUP_MEMBERS: String(MAX_MEMBERS) } });
});
afterAll(async () => {
  await s.close();
  await rxIM.close();
  await rxTC.close();
});
beforeEach(async () => {
  rxIM.reset();
  rxTC.reset();
  await configure();
});

describe('one server, an OpenIM endpoint and a Tencent endpoint at once', () => {
  it("delivers every operation to both, each in its own dialect and commit order, Tencent's query checked", async () => {
    const [o, a, m, k, j, i, late] = [uid('o'), uid('a'), uid('m'), uid('k'), uid('j'), uid('i'), uid('late')];
    await s.register(o, a, m, k, j, i, late);
    const tokenO = await s.tokenFor(o);
    const g = await createGroup(s, { owner: o, admins: [a], members: [m, k], needVerification: 2, token: tokenO });
    await s.client.ok('/group/set_group_info_ex', { groupID: g.groupID, ex: 'team-ex' }, tokenO);
    await s.client.ok(
      '/group/join_group',
      { groupID: g.groupID, joinSource: 3, reqMessage: 'hi', ex: '' },
      await s.tokenFor(j),
    );
    await s.client.ok(
      '/group/invite_user_to_group',
      { groupID: g.groupID, invitedUserIDs: [i], reason: 'come' },
      tokenO,
    );
    // Full now (6 of 6): the next join is refused and reports nothing.
    const refused = await s.client.post(
      '/group/join_group',
      { groupID: g.groupID, joinSource: 3, reqMessage: '', ex: '' },
      await s.tokenFor(late),
    );
    expect(refused.errCode).toBe(1290);
    await s.client.ok('/group/quit_group', { groupID: g.groupID }, await s.tokenFor(j));
    await s.client.ok('/group/kick_group', { groupID: g.groupID, kickedUserIDs: [k], reason: 'bye' }, tokenO);
    await s.client.ok(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: 'renamed' } },
      tokenO,
    );
    await s.client.ok(
      '/group/set_group_info_ex',
      { groupID: g.groupID, introduction: 'about', needVerification: 0 },
      tokenO,
    );
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickname: 'nn', roleLevel: 60 }] },
      tokenO,
    );
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, ex: 'only-ex' }] },
      tokenO,
    );
    await s.client.ok('/group/transfer_group', { groupID: g.groupID, oldOwnerUserID: o, newOwnerUserID: a }, tokenO);
    await s.client.ok('/group/dismiss_group', { groupID: g.groupID, deleteMember: false }, s.adminToken);

    const tcGot = await rxTC.waitFor((rs) => rs.some((r) => r.command === 'Group.CallbackAfterGroupDestroyed'), 10_000);
    const imGot = await rxIM.waitFor((rs) => rs.some((r) => r.command === im('afterDismissGroup')), 10_000);

    // Tencent: one group, so commit order; batched and filtered as Tencent reports them.
    expect(tcGot.map((r) => r.command)).toEqual([
      'Group.CallbackAfterCreateGroup',
      'Group.CallbackAfterNewMemberJoin',
      'Group.CallbackAfterNewMemberJoin',
      'Group.CallbackAfterGroupFull',
      'Group.CallbackAfterMemberExit',
      'Group.CallbackAfterMemberExit',
      'Group.CallbackAfterGroupInfoChanged',
      'Group.CallbackAfterGroupInfoChanged',
      'Group.CallbackAfterMemberFieldChanged',
      'Group.CallbackAfterChangeGroupOwner',
      'Group.CallbackAfterGroupDestroyed',
    ]);
    const wh = new Webhook(SECRET);
    for (const r of tcGot) {
      expectShape(r.body, r.command);
      expectTencentQuery(r, r.command === 'Group.CallbackAfterGroupDestroyed' ? 'RESTAPI' : 'Web');
      expect(wh.verify(r.raw, r.headers as Record<string, string>)).toEqual(r.body);
      expect(r.body.EventTime).toBeGreaterThan(Date.now() - 60_000);
    }
    const body = (i: number) => tcGot[i]!.body;
    expect(body(0)).toMatchObject({
      GroupId: g.groupID,
      Operator_Account: o,
      Owner_Account: o,
      Type: 'Public',
      Name: 'team',
      UserDefinedDataList: [],
    });
    expect(body(0).MemberList).toEqual([{ Member_Account: a }, { Member_Account: m }, { Member_Account: k }]);
    expect(body(1)).toMatchObject({ JoinType: 'Apply', Operator_Account: j, NewMemberList: [{ Member_Account: j }] });
    expect(body(2)).toMatchObject({ JoinType: 'Invited', Operator_Account: o, NewMemberList: [{ Member_Account: i }] });
    expect(body(3)).toEqual({
      CallbackCommand: 'Group.CallbackAfterGroupFull',
      GroupId: g.groupID,
      EventTime: body(3).EventTime,
    });
    expect(body(4)).toMatchObject({ ExitType: 'Quit', Operator_Account: j, ExitMemberList: [{ Member_Account: j }] });
    expect(body(5)).toMatchObject({ ExitType: 'Kicked', Operator_Account: o, ExitMemberList: [{ Member_Account: k }] });
    // Only the fields that changed, among the four Tencent reports.
    expect(body(6)).toEqual({
      CallbackCommand: 'Group.CallbackAfterGroupInfoChanged',
      GroupId: g.groupID,
      Type: 'Public',
      Operator_Account: o,
      Name: 'renamed',
      EventTime: body(6).EventTime,
    });
    expect(Object.keys(body(7))).toEqual([
      'CallbackCommand',
      'GroupId',
      'Type',
      'Operator_Account',
      'Introduction',
      'EventTime',
    ]);
    // The ex-only member change is not a Tencent event.
    expect(body(8)).toMatchObject({ Member_Account: m, Role: 'Admin', NameCard: 'nn', Operator_Account: o });
    expect(body(9)).toMatchObject({ OldOwner_Account: o, NewOwner_Account: a, Operator_Account: o });
    expect(body(10)).toMatchObject({ Owner_Account: a, Name: 'renamed', Type: 'Public' });
    expect(
      body(10)
        .MemberList.map((x: { Member_Account: string }) => x.Member_Account)
        .sort(),
    ).toEqual([o, a, m, i].sort());

    // OpenIM: the same operations, OpenIM's commands, afterGroupFull right after the filling join.
    const imCommands = imGot.map((r) => r.command);
    expect(imCommands.filter((c) => c === im('afterGroupFull'))).toHaveLength(1);
    expect(imCommands[imCommands.indexOf(im('afterGroupFull')) - 1]).toBe(im('afterJoinGroup'));
    expectShape(imGot.find((r) => r.command === im('afterGroupFull'))!.body, im('afterGroupFull'));
    expect(imGot.find((r) => r.command === im('afterGroupFull'))!.body).toMatchObject({
      groupID: g.groupID,
      memberCount: 6,
      maxMemberCount: 6,
    });
    expect(imCommands.filter((c) => c === im('afterSetGroupMemberInfo'))).toHaveLength(2);
    for (const r of imGot) expect(r.query).toEqual({ contenttype: 'json' });

    // One delivery record per endpoint, each with its own command.
    const log = await s.client.ok(
      '/callback/list_events',
      { groupID: g.groupID, hook: 'afterCreateGroup', pagination: { pageNumber: 1, showNumber: 10 } },
      s.adminToken,
    );
    expect(log.events.map((e: { command: string }) => e.command).sort()).toEqual(
      [im('afterCreateGroup'), tc('afterCreateGroup')].sort(),
    );
    const tencentLog = await s.client.ok(
      '/callback/list_events',
      { groupID: g.groupID, endpoint: 'tencent', pagination: { pageNumber: 1, showNumber: 100 } },
      s.adminToken,
    );
    expect(tencentLog.total).toBe(tcGot.length);
    expect(
      tencentLog.events.every(
        (e: { endpoint: string; command: string }) => e.endpoint === 'tencent' && e.command.startsWith('Group.'),
      ),
    ).toBe(true);
  });

  it('keeps delivering to one endpoint while the other is down, each with its own retries', async () => {
    const [o, m] = [uid('o'), uid('m')];
    await s.register(o, m);
    await rxTC.down();
    const g = await createGroup(s, { owner: o, members: [m] });
    await rxIM.waitForCount(1, im('afterCreateGroup'));
    await rxTC.up();
    const [r] = await rxTC.waitForCount(1, tc('afterCreateGroup'), 10_000);
    expect(r!.body.GroupId).toBe(g.groupID);
  });
});

describe('ClientIP', () => {
  const forwarded = { 'x-forwarded-for': '198.51.100.4, 203.0.113.9' };
  const createVia = async (server: TestServer, owner: string) => {
    const res = await server.client.raw(
      '/group/create_group',
      {
        ownerUserID: owner,
        adminUserIDs: [],
        memberUserIDs: [],
        groupInfo: { groupID: '', groupName: 'ip', groupType: 2 },
      },
      { token: server.adminToken, headers: forwarded },
    );
    expect(res.body.errCode).toBe(0);
    return res.body.data.groupInfo.groupID as string;
  };

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const o = uid('o');
    await s.register(o);
    const groupID = await createVia(s, o);
    const [r] = await rxTC.waitForCount(1, (x) => x.body?.GroupId === groupID);
    expect(r!.query.ClientIP).toBe('127.0.0.1');
  });

  it('takes the caller from X-Forwarded-For behind a trusted proxy (HUDDLE_TRUSTED_PROXIES)', async () => {
    const behind = await startServer({ env: { HUDDLE_TRUSTED_PROXIES: '127.0.0.1, 203.0.113.9' } });
    try {
      await behind.client.ok(
        '/callback/set_config',
        {
          config: {
            url: '',
            endpoints: [
              {
                name: 'tc',
                url: rxTC.url,
                dialect: 'tencent',
                sdkAppId: SDK_APP_ID,
                hooks: { afterCreateGroup: { enable: true } },
              },
            ],
          },
        },
        behind.adminToken,
      );
      const o = uid('o');
      await behind.register(o);
      const groupID = await createVia(behind, o);
      const [r] = await rxTC.waitForCount(1, (x) => x.body?.GroupId === groupID);
      // The nearest untrusted hop: 203.0.113.9 is a trusted proxy too, so the client is 198.51.100.4.
      expect(r!.query.ClientIP).toBe('198.51.100.4');
    } finally {
      await behind.close();
    }
  });
});

describe('Tencent before-callbacks', () => {
  it('ErrorCode 1 denies: the caller gets 10016 and nothing is created', async () => {
    await configure({ beforeCreateGroup: { enable: true } });
    rxTC.answer('Group.CallbackBeforeCreateGroup', {
      body: { ActionStatus: 'OK', ErrorCode: 1, ErrorInfo: 'not today' },
    });
    const o = uid('o');
    await s.register(o);
    const res = await s.client.post(
      '/group/create_group',
      {
        ownerUserID: o,
        adminUserIDs: [],
        memberUserIDs: [],
        groupInfo: { groupID: `gx${n}`, groupName: 'x', groupType: 2 },
      },
      s.adminToken,
    );
    expect(res).toMatchObject({ errCode: 10016, errMsg: 'CallbackDenied', errDlt: 'not today' });
    expect((await s.client.ok('/group/get_groups_info', { groupIDs: [`gx${n}`] }, s.adminToken)).groupInfos).toEqual(
      [],
    );
    const [req] = rxTC.requests('Group.CallbackBeforeCreateGroup');
    expectShape(req!.body, 'Group.CallbackBeforeCreateGroup');
    expectTencentQuery(req!, 'RESTAPI');
    expect(req!.body).toMatchObject({ Owner_Account: o, Name: 'x', MemberList: [] });
  });

  it('a code in 10100–10200 reaches the caller unchanged, with ErrorInfo', async () => {
    await configure({ beforeApplyJoinGroup: { enable: true } });
    rxTC.answer('Group.CallbackBeforeApplyJoinGroup', {
      body: { ActionStatus: 'FAIL', ErrorCode: 10150, ErrorInfo: 'verify your phone first' },
    });
    const [o, u] = [uid('o'), uid('u')];
    await s.register(o, u);
    const g = await createGroup(s, { owner: o, needVerification: 2 });
    const res = await s.client.post(
      '/group/join_group',
      { groupID: g.groupID, joinSource: 3, reqMessage: '', ex: '' },
      await s.tokenFor(u),
    );
    expect(res).toMatchObject({ errCode: 10150, errMsg: 'verify your phone first' });
    const members = await s.client.ok(
      '/group/get_group_members_info',
      { groupID: g.groupID, userIDs: [u] },
      s.adminToken,
    );
    expect(members.members).toEqual([]);
    const [req] = rxTC.requests('Group.CallbackBeforeApplyJoinGroup');
    expectShape(req!.body, 'Group.CallbackBeforeApplyJoinGroup');
    expect(req!.body).toMatchObject({ GroupId: g.groupID, Type: 'Public', Requestor_Account: u });
  });

  it('RefusedMembers_Account refuses those invitees and admits the rest, reported as one batch', async () => {
    await configure({ beforeInviteUserToGroup: { enable: true } });
    const [o, u1, u2, u3] = [uid('o'), uid('u'), uid('u'), uid('u')];
    await s.register(o, u1, u2, u3);
    const g = await createGroup(s, { owner: o });
    rxTC.answer('Group.CallbackBeforeInviteJoinGroup', {
      body: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', RefusedMembers_Account: [u2] },
    });
    await s.client.ok(
      '/group/invite_user_to_group',
      { groupID: g.groupID, invitedUserIDs: [u1, u2, u3], reason: '' },
      await s.tokenFor(o),
    );
    const ids = (await s.client.ok('/group/get_group_member_user_id', { groupID: g.groupID }, s.adminToken)).userIDs;
    expect([...ids].sort()).toEqual([o, u1, u3].sort());
    const [req] = rxTC.requests('Group.CallbackBeforeInviteJoinGroup');
    expectShape(req!.body, 'Group.CallbackBeforeInviteJoinGroup');
    expect(req!.body.DestinationMembers).toEqual([
      { Member_Account: u1 },
      { Member_Account: u2 },
      { Member_Account: u3 },
    ]);
    const [joined] = await rxTC.waitForCount(1, 'Group.CallbackAfterNewMemberJoin');
    expect(joined!.body).toMatchObject({
      JoinType: 'Invited',
      NewMemberList: [{ Member_Account: u1 }, { Member_Account: u3 }],
    });
  });

  it("fails open by default (Tencent's default), closed with failedContinue: false; unknown ErrorCodes are failures", async () => {
    const [o, u] = [uid('o'), uid('u')];
    await s.register(o, u);
    const g = await createGroup(s, { owner: o });
    const tokenO = await s.tokenFor(o);
    const invite = () =>
      s.client.post('/group/invite_user_to_group', { groupID: g.groupID, invitedUserIDs: [u], reason: '' }, tokenO);
    rxTC.answer('Group.CallbackBeforeInviteJoinGroup', [{ status: 500 }, { status: 500 }, { body: { ErrorCode: 7 } }]);
    await configure({ beforeInviteUserToGroup: { enable: true, failedContinue: false } });
    expect((await invite()).errCode).toBe(90004);
    await configure({ beforeInviteUserToGroup: { enable: true, failedContinue: false } });
    expect((await invite()).errCode).toBe(90004);
    expect((await invite()).errCode).toBe(90007);
    await configure({ beforeInviteUserToGroup: { enable: true } });
    expect((await invite()).errCode).toBe(0);
  });
});

describe('endpoints configuration', () => {
  const setConfig = (config: Record<string, unknown>) =>
    s.client.post('/callback/set_config', { config }, s.adminToken);
  const tencent = (extra: Record<string, unknown> = {}) => ({
    name: 'tc',
    url: 'http://127.0.0.1:9/im',
    dialect: 'tencent',
    sdkAppId: 1400000000,
    ...extra,
  });

  it('refuses a before-hook on two endpoints, naming both', async () => {
    const res = await setConfig({
      url: 'http://127.0.0.1:9/cb',
      beforeCreateGroup: { enable: true },
      endpoints: [tencent({ hooks: { beforeCreateGroup: { enable: true } } })],
    });
    expect(res.errCode).toBe(1001);
    expect(res.errDlt).toContain('beforeCreateGroup');
    expect(res.errDlt).toContain('"default" and "tc"');
  });

  it('refuses hooks Tencent has no callback for, a missing sdkAppId, a duplicate name and an unknown dialect', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { endpoints: [tencent({ hooks: { beforeSetGroupMemberInfo: { enable: true } } })] },
        'endpoints[0].hooks.beforeSetGroupMemberInfo',
      ],
      [{ endpoints: [tencent({ sdkAppId: undefined })] }, 'endpoints[0].sdkAppId'],
      [{ endpoints: [tencent(), tencent()] }, 'endpoints[1].name'],
      [{ endpoints: [tencent({ dialect: 'wechat' })] }, 'endpoints[0].dialect'],
      [{ endpoints: [tencent({ name: 'default' })] }, 'endpoints[0].name'],
      [{ endpoints: [tencent({ hooks: { afterCreatGroup: { enable: true } } })] }, 'did you mean afterCreateGroup'],
    ];
    for (const [config, named] of cases) {
      const res = await setConfig(config);
      expect(res.errCode, named).toBe(1001);
      expect(res.errDlt, named).toContain(named);
    }
  });

  it('round-trips through get_config: Tencent endpoints list only the hooks Tencent has, with its 2 s default timeout', async () => {
    await setConfig({ url: '', endpoints: [tencent({ token: TOKEN, hooks: { afterQuitGroup: { enable: true } } })] });
    const { config } = await s.client.ok('/callback/get_config', {}, s.adminToken);
    const [ep] = config.endpoints;
    expect(ep).toMatchObject({ name: 'tc', dialect: 'tencent', sdkAppId: '1400000000', token: TOKEN });
    expect(Object.keys(ep.hooks).sort()).toEqual([...TENCENT_KEYS].sort());
    expect(ep.hooks.afterQuitGroup).toEqual({ enable: true, timeout: 2 });
    expect(ep.hooks.beforeCreateGroup).toEqual({ enable: false, timeout: 2, failedContinue: true });
    expect((await setConfig(config)).errCode).toBe(0);
  });
});
