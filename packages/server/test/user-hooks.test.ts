// User callbacks end to end, over HTTP against a real business server: user_register sends
// beforeUserRegister (one for the batch: a veto registers nobody, a rewrite is applied) and
// afterUserRegister; update_user_info_ex and update_user_info send their before and after hooks with
// OpenIM's bodies, and an echoed answer changes nothing the caller did not ask for.

import { CALLBACKS, USER_HOOK_KEYS, type CallbackKey } from '@huddle/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness.js';
import { DEFAULT_ANSWER, startReceiver, type Receiver, type ReceivedRequest } from './receiver.js';
import { expectShape } from './shape.js';

const USER_HOOKS = USER_HOOK_KEYS;
const cmd = (key: CallbackKey) => CALLBACKS[key].openim.command;
const REJECT = { actionCode: 0, nextCode: 1, errCode: 5001, errMsg: 'blocked', errDlt: 'policy 7' };
/** An OpenIM-style business server: the request echoed back as the answer, changes made by nobody. */
const echo = (req: ReceivedRequest) => ({ body: { ...DEFAULT_ANSWER, ...req.body } });

let s: TestServer;
let rx: Receiver;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

async function configure(options: { failedContinue?: boolean; enable?: readonly CallbackKey[] } = {}) {
  const enable = options.enable ?? USER_HOOKS;
  const hooks = Object.fromEntries(
    USER_HOOKS.map((k) => [
      k,
      { enable: enable.includes(k), timeout: 2, failedContinue: options.failedContinue ?? true },
    ]),
  );
  await s.client.ok(
    '/callback/set_config',
    { config: { url: rx.url, retrySchedule: [0.05, 0.1, 0.2], ...hooks } },
    s.adminToken,
  );
}

async function usersInfo(...userIDs: string[]) {
  return (await s.client.ok('/user/get_users_info', { userIDs }, s.adminToken)).usersInfo;
}

/** The after-callback of `key` that names `userID` (they are delivered through the outbox). */
async function afterFor(key: CallbackKey, userID: string): Promise<ReceivedRequest> {
  const match = (r: ReceivedRequest) =>
    r.command === cmd(key) &&
    (r.body.userID === userID || r.body.users?.some((u: { userID: string }) => u.userID === userID));
  const [req] = await rx.waitForCount(1, match);
  return req!;
}

/** Outbox rows of a hook whose body names `text` (committed, so no waiting is involved). */
async function outboxRows(key: CallbackKey, text: string) {
  const rows = await s.query<{ payload: string }>(`SELECT payload FROM webhook_events WHERE hook = '${key}'`);
  return rows.filter((r) => r.payload.includes(`"${text}"`));
}

beforeAll(async () => {
  rx = await startReceiver();
  s = await startServer();
});
afterAll(async () => {
  await s.close();
  await rx.close();
});
beforeEach(async () => {
  rx.reset();
  await configure();
});

describe('user_register', () => {
  it('sends beforeUserRegister once for the batch and afterUserRegister with the users as registered', async () => {
    const [a, b] = [uid('ua'), uid('ub')];
    const res = await s.client.raw(
      '/user/user_register',
      {
        users: [
          { userID: a, nickname: 'Ann', faceURL: 'https://f/a.png', ex: '{"t":1}', appMangerLevel: 1 },
          { userID: b, nickname: 'Bob' },
        ],
      },
      { token: s.adminToken, operationID: 'op-register' },
    );
    expect(res.body.errCode).toBe(0);
    const [registeredA, registeredB] = await usersInfo(a, b);
    const before = rx.requests(cmd('beforeUserRegister'));
    expect(before).toHaveLength(1);
    expect(before[0]!.headers.operationid).toBe('op-register');
    expectShape(before[0]!.body, cmd('beforeUserRegister'));
    expect(before[0]!.body).toEqual({ callbackCommand: cmd('beforeUserRegister'), users: [registeredA, registeredB] });
    expect(registeredA).toEqual({
      userID: a,
      nickname: 'Ann',
      faceURL: 'https://f/a.png',
      ex: '{"t":1}',
      createTime: registeredA.createTime,
      appMangerLevel: 1,
      globalRecvMsgOpt: 0,
    });

    const after = await afterFor('afterUserRegister', a);
    expectShape(after.body, cmd('afterUserRegister'));
    expect(after.body).toEqual({ callbackCommand: cmd('afterUserRegister'), users: [registeredA, registeredB] });
    expect(after.headers.operationid).toBe('op-register');
  });

  it("a veto refuses with the business server's code and registers nobody", async () => {
    const [a, b] = [uid('ua'), uid('ub')];
    rx.answer(cmd('beforeUserRegister'), { body: REJECT });
    expect(
      await s.client.post(
        '/user/user_register',
        {
          users: [
            { userID: a, nickname: 'A' },
            { userID: b, nickname: 'B' },
          ],
        },
        s.adminToken,
      ),
    ).toEqual({
      errCode: 5001,
      errMsg: 'blocked',
      errDlt: 'policy 7',
    });
    expect(await usersInfo(a, b)).toEqual([]);
    expect(await outboxRows('afterUserRegister', a)).toEqual([]);
  });

  it('applies a rewrite by userID: non-empty fields replace, "" and missing ones leave the request as is', async () => {
    const [a, b] = [uid('ua'), uid('ub')];
    rx.answer(cmd('beforeUserRegister'), {
      body: { ...DEFAULT_ANSWER, users: [{ userID: a, nickname: 'Ann (reviewed)', faceURL: '', ex: 'gold' }] },
    });
    await s.client.ok(
      '/user/user_register',
      {
        users: [
          { userID: a, nickname: 'Ann', faceURL: 'https://f/a.png' },
          { userID: b, nickname: 'Bob', ex: 'x' },
        ],
      },
      s.adminToken,
    );
    const [ua, ub] = await usersInfo(a, b);
    expect([ua.nickname, ua.faceURL, ua.ex]).toEqual(['Ann (reviewed)', 'https://f/a.png', 'gold']);
    expect([ub.nickname, ub.faceURL, ub.ex]).toEqual(['Bob', '', 'x']);
    expect((await afterFor('afterUserRegister', a)).body.users).toEqual([ua, ub]);
  });

  it('an echoed answer registers the users as requested', async () => {
    const a = uid('ua');
    rx.answer(cmd('beforeUserRegister'), echo);
    await s.client.ok(
      '/user/user_register',
      { users: [{ userID: a, nickname: 'Ann', faceURL: 'https://f/a.png', ex: 'e' }] },
      s.adminToken,
    );
    expect((await usersInfo(a))[0]).toMatchObject({ nickname: 'Ann', faceURL: 'https://f/a.png', ex: 'e' });
  });

  it('an answer naming someone else is an invalid modification: refused (failedContinue false) or ignored (true)', async () => {
    const [a, b] = [uid('ua'), uid('ub')];
    rx.answer(cmd('beforeUserRegister'), {
      body: { ...DEFAULT_ANSWER, users: [{ userID: 'intruder', nickname: 'X' }] },
    });
    await configure({ failedContinue: false });
    expect(
      (await s.client.post('/user/user_register', { users: [{ userID: a, nickname: 'A' }] }, s.adminToken)).errCode,
    ).toBe(90007);
    expect(await usersInfo(a, 'intruder')).toEqual([]);
    await configure({ failedContinue: true });
    await s.client.ok('/user/user_register', { users: [{ userID: b, nickname: 'B' }] }, s.adminToken);
    expect((await usersInfo(b, 'intruder')).map((u: { nickname: string }) => u.nickname)).toEqual(['B']);
  });

  it('asks nothing when registration would fail anyway (a user exists)', async () => {
    const a = uid('ua');
    await configure({ enable: [] });
    await s.register(a);
    await configure();
    rx.reset();
    expect(
      (await s.client.post('/user/user_register', { users: [{ userID: a, nickname: 'again' }] }, s.adminToken)).errCode,
    ).toBe(1102);
    expect(rx.requests(cmd('beforeUserRegister'))).toEqual([]);
  });
});

describe('update_user_info_ex', () => {
  it("sends OpenIM's wrapper bodies (null: not part of the change) and applies a rewrite", async () => {
    const u = uid('u');
    await s.register({ userID: u, nickname: 'Ann', faceURL: 'https://f/a.png', ex: 'e0' });
    rx.answer(cmd('beforeUpdateUserInfoEx'), { body: { ...DEFAULT_ANSWER, ex: 'from-server' } });
    await s.client.ok(
      '/user/update_user_info_ex',
      { userInfo: { userID: u, nickname: 'Ann B.' } },
      await s.tokenFor(u),
    );
    const [before] = rx.requests(cmd('beforeUpdateUserInfoEx'));
    expectShape(before!.body, cmd('beforeUpdateUserInfoEx'));
    expect(before!.body).toEqual({
      callbackCommand: cmd('beforeUpdateUserInfoEx'),
      userID: u,
      nickName: 'Ann B.',
      faceURL: null,
      ex: null,
    });
    expect((await usersInfo(u))[0]).toMatchObject({
      nickname: 'Ann B.',
      faceURL: 'https://f/a.png',
      ex: 'from-server',
    });
    const after = await afterFor('afterUpdateUserInfoEx', u);
    expectShape(after.body, cmd('afterUpdateUserInfoEx'));
    expect(after.body).toEqual({
      callbackCommand: cmd('afterUpdateUserInfoEx'),
      userID: u,
      nickName: 'Ann B.',
      faceURL: null,
      ex: 'from-server',
    });
  });

  it('an echo changes only what was asked ("" clears: a wrapper value); a veto changes nothing', async () => {
    const u = uid('u');
    await s.register({ userID: u, nickname: 'Ann', faceURL: 'https://f/a.png', ex: 'e0' });
    rx.answer(cmd('beforeUpdateUserInfoEx'), echo);
    await s.client.ok('/user/update_user_info_ex', { userInfo: { userID: u, faceURL: '' } }, s.adminToken);
    expect((await usersInfo(u))[0]).toMatchObject({ nickname: 'Ann', faceURL: '', ex: 'e0' });
    rx.answer(cmd('beforeUpdateUserInfoEx'), { body: REJECT });
    expect(
      await s.client.post('/user/update_user_info_ex', { userInfo: { userID: u, nickname: 'No' } }, s.adminToken),
    ).toEqual({ errCode: 5001, errMsg: 'blocked', errDlt: 'policy 7' });
    expect((await usersInfo(u))[0].nickname).toBe('Ann');
    expect(await outboxRows('afterUpdateUserInfoEx', 'No')).toEqual([]);
  });
});

describe('update_user_info', () => {
  it("takes OpenIM's body, lets the user or an app admin call it, and nobody else", async () => {
    const [u, other] = [uid('u'), uid('x')];
    await s.register({ userID: u, nickname: 'Ann', faceURL: 'https://f/a.png', ex: 'e0' }, other);
    await configure({ enable: [] });
    expect(
      (
        await s.client.post(
          '/user/update_user_info',
          { userInfo: { userID: u, nickname: 'Hijack' } },
          await s.tokenFor(other),
        )
      ).errCode,
    ).toBe(1002);
    await s.client.ok(
      '/user/update_user_info',
      { userInfo: { userID: u, nickname: 'Ann B.', faceURL: '', ex: '' } },
      await s.tokenFor(u),
    );
    await s.client.ok('/user/update_user_info', { userInfo: { userID: u, ex: 'by-admin' } }, s.adminToken);
    expect((await usersInfo(u))[0]).toMatchObject({ nickname: 'Ann B.', faceURL: 'https://f/a.png', ex: 'by-admin' });
    expect(
      (await s.client.post('/user/update_user_info', { userInfo: { userID: 'nobody', nickname: 'N' } }, s.adminToken))
        .errCode,
    ).toBe(1004);
    expect((await s.client.post('/user/update_user_info', { userInfo: { nickname: 'N' } }, s.adminToken)).errCode).toBe(
      1001,
    );
  });

  it('sends plain-string bodies ("" not part of the change); an echo changes only the asked field; a rewrite applies', async () => {
    const u = uid('u');
    await s.register({ userID: u, nickname: 'Ann', faceURL: 'https://f/a.png', ex: 'e0' });
    rx.answer(cmd('beforeUpdateUserInfo'), echo);
    await s.client.ok('/user/update_user_info', { userInfo: { userID: u, nickname: 'Ann B.' } }, await s.tokenFor(u));
    const [before] = rx.requests(cmd('beforeUpdateUserInfo'));
    expectShape(before!.body, cmd('beforeUpdateUserInfo'));
    expect(before!.body).toEqual({
      callbackCommand: cmd('beforeUpdateUserInfo'),
      userID: u,
      nickName: 'Ann B.',
      faceURL: '',
      ex: '',
    });
    expect((await usersInfo(u))[0]).toMatchObject({ nickname: 'Ann B.', faceURL: 'https://f/a.png', ex: 'e0' });
    const after = await afterFor('afterUpdateUserInfo', u);
    expectShape(after.body, cmd('afterUpdateUserInfo'));
    expect(after.body).toEqual({
      callbackCommand: cmd('afterUpdateUserInfo'),
      userID: u,
      nickName: 'Ann B.',
      faceURL: '',
      ex: '',
    });

    rx.answer(cmd('beforeUpdateUserInfo'), {
      body: { ...DEFAULT_ANSWER, nickName: '', faceURL: 'https://f/reviewed.png' },
    });
    await s.client.ok('/user/update_user_info', { userInfo: { userID: u, nickname: 'Ann C.' } }, s.adminToken);
    expect((await usersInfo(u))[0]).toMatchObject({ nickname: 'Ann C.', faceURL: 'https://f/reviewed.png', ex: 'e0' });
  });

  it("a veto refuses with the business server's code and changes nothing", async () => {
    const u = uid('u');
    await s.register({ userID: u, nickname: 'Ann' });
    rx.answer(cmd('beforeUpdateUserInfo'), { body: REJECT });
    expect(
      await s.client.post('/user/update_user_info', { userInfo: { userID: u, nickname: 'No' } }, s.adminToken),
    ).toEqual({ errCode: 5001, errMsg: 'blocked', errDlt: 'policy 7' });
    expect((await usersInfo(u))[0].nickname).toBe('Ann');
  });
});

describe('Tencent endpoints', () => {
  const NO_TENCENT = USER_HOOKS.filter((k) => !CALLBACKS[k].tencent);

  it('Tencent has a callback only after a profile update and for connections going on and off', () => {
    expect(NO_TENCENT).toEqual([
      'beforeUserRegister',
      'afterUserRegister',
      'beforeUpdateUserInfo',
      'beforeUpdateUserInfoEx',
      'afterUserKickOff',
    ]);
  });

  it.each(NO_TENCENT)('refuse %s: Tencent Cloud Chat has no such callback', async (key) => {
    const res = await s.client.post(
      '/callback/set_config',
      {
        config: {
          endpoints: [
            { name: 'tim', dialect: 'tencent', sdkAppId: 1400000001, url: rx.url, hooks: { [key]: { enable: true } } },
          ],
        },
      },
      s.adminToken,
    );
    expect(res.errCode).not.toBe(0);
    expect(`${res.errMsg} ${res.errDlt}`).toContain('Tencent Cloud Chat has no callback for this hook');
  });

  it('hear Profile.CallbackPortraitSet after update_user_info(_ex), with the fields set, none when nothing was', async () => {
    const u = uid('u');
    await s.register({ userID: u, nickname: 'Ann', faceURL: 'https://f/a.png', ex: 'e0' });
    const hooks = { afterUpdateUserInfo: { enable: true }, afterUpdateUserInfoEx: { enable: true } };
    await s.client.ok(
      '/callback/set_config',
      {
        config: {
          retrySchedule: [0.05],
          endpoints: [{ name: 'tim', dialect: 'tencent', sdkAppId: 1400000001, url: rx.url, hooks }],
        },
      },
      s.adminToken,
    );
    const token = await s.tokenFor(u);
    await s.client.ok('/user/update_user_info_ex', { userInfo: { userID: u, globalRecvMsgOpt: 1 } }, token);
    await s.client.ok('/user/update_user_info_ex', { userInfo: { userID: u, faceURL: '', ex: 'e1' } }, token);
    await s.client.ok('/user/update_user_info', { userInfo: { userID: u, nickname: 'Ann B.' } }, s.adminToken);
    const got = await rx.waitForCount(
      2,
      (r) => r.command === 'Profile.CallbackPortraitSet' && r.body.From_Account === u,
    );
    for (const r of got) {
      expectShape(r.body, 'Profile.CallbackPortraitSet');
      expect(r.query).toMatchObject({ SdkAppid: '1400000001', CallbackCommand: 'Profile.CallbackPortraitSet' });
    }
    // One queue per user: in commit order.
    expect(got.map((r) => [r.body.Operator_Account, r.body.ProfileItem])).toEqual([
      [
        u,
        [
          { Tag: 'Tag_Profile_IM_Image', Value: '' },
          { Tag: 'Tag_Profile_Custom_ex', Value: 'e1' },
        ],
      ],
      [s.app.config.adminUserIDs[0], [{ Tag: 'Tag_Profile_IM_Nick', Value: 'Ann B.' }]],
    ]);
    // The update that set no profile field sent nothing.
    const rows = await s.query<{ payload: string }>(
      `SELECT payload FROM webhook_events WHERE endpoint = 'tim' AND ordering_key = 'user:${u}'`,
    );
    expect(rows).toHaveLength(2);
  });
});
