// Who may call what, over every path the server serves: no token, bad tokens (malformed, forged,
// unregistered, expired, not yet valid), a token revoked by force_logout and the same user's token on
// another platform; the app-admin-only calls (users, tokens, the callback configuration, delivery log
// and replay) as owner, admin, member and non-member. Nothing refused writes anything. Secrets and
// tokens never reach the log or an error's detail. Per-user write limits answer 429 with Retry-After.
// (The per-operation role rules of groups and members are in permissions.test.ts.)

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/server-config.js';
import { testClock } from './clock.js';
import { createGroup, startServer, TEST_SECRET, type Envelope, type TestServer } from './harness.js';
import { startReceiver, type Receiver } from './receiver.js';
import { REQUESTS, routePaths, type Picker } from './requests.js';
import { badTokens } from './tokens.js';
import { eventually } from './wait.js';

const SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

let s: TestServer;
let rx: Receiver;
/** Every line the server logged, at every level. */
const logLines: string[] = [];
/** Every token the suite was given or made, and every answer it got: none may show in the log. */
const secrets = new Set<string>([TEST_SECRET, SIGNING_SECRET]);
const answers: Envelope[] = [];

const O = 'acc_owner';
const A = 'acc_admin';
const M = 'acc_member';
const N = 'acc_outsider';
const GROUP = 'acc_group';
const tokens: Record<string, string> = {};

beforeAll(async () => {
  rx = await startReceiver();
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  s = await startServer({ logger });
  secrets.add(s.adminToken);
  await s.register(O, A, M, N);
  for (const u of [O, A, M, N]) secrets.add((tokens[u] = await s.tokenFor(u)));
  await createGroup(s, { owner: O, admins: [A], members: [M], groupID: GROUP });
  // Signed callbacks, so the signing secret is in use while the suite watches the log.
  await s.client.ok(
    '/callback/set_config',
    {
      config: {
        url: rx.url,
        signingSecret: SIGNING_SECRET,
        retrySchedule: [0.05],
        afterQuitGroup: { enable: true, timeout: 1 },
        beforeSetGroupInfo: { enable: true, timeout: 1, failedContinue: false },
      },
    },
    s.adminToken,
  );
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

/** Bodies that would be accepted from the right caller: the fixture's group and users. */
const fixture: Picker = {
  user: () => M,
  users: () => [M],
  group: () => GROUP,
  owner: () => O,
  int: () => 0,
  fresh: (prefix) => `${prefix}_acc_${Date.now()}`,
  eventID: () => 'evt_none',
};

async function post(
  path: string,
  body: unknown,
  token: string | null,
  headers: Record<string, string> = {},
): Promise<Envelope> {
  const res = await s.client.raw(path, body, { token, headers });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  answers.push(res.body);
  return res.body as Envelope;
}

/** Row counts of everything a request could write. */
async function tables(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of [
    'users',
    'tokens',
    '"groups"',
    'group_members',
    'group_requests',
    'webhook_events',
    'settings',
    'messages',
    'conversations',
    'sync_changes',
  ]) {
    out[t] = (await s.query<{ n: number }>(`SELECT CAST(COUNT(*) AS INTEGER) AS n FROM ${t}`))[0]!.n;
  }
  const [group] = (await s.client.ok('/group/get_groups_info', { groupIDs: [GROUP] }, s.adminToken)).groupInfos;
  return { ...out, groupName: group.groupName, status: group.status, memberCount: group.memberCount };
}

describe('tokens', () => {
  it('every private path refuses a missing, malformed, forged, unregistered, expired or not-yet-valid token, and writes nothing', async () => {
    const paths = routePaths(s.app);
    const privatePaths = paths.filter((p) => !p.public).map((p) => p.path);
    expect(privatePaths.length).toBeGreaterThan(30);
    const before = await tables();
    for (const path of privatePaths) {
      const body = REQUESTS[path]!(fixture);
      const none = await post(path, body, null);
      expect([none.errCode, none.errDlt], path).toEqual([1001, 'header must have token']);
      expect((await post(path, body, null, { token: '' })).errCode, path).toBe(1001);
      for (const bad of badTokens(M)) {
        secrets.add(bad.token);
        expect((await post(path, body, bad.token)).errCode, `${path} with a ${bad.name} token`).toBe(bad.code);
      }
    }
    // parse_token judges the token in its body the same way.
    for (const bad of badTokens(M))
      expect((await post('/auth/parse_token', { token: bad.token }, null)).errCode, bad.name).toBe(bad.code);
    expect(await tables()).toEqual(before);
  });

  it('a token revoked by force_logout is refused on every private path; the same user on another platform is not', async () => {
    const web = await s.tokenFor(M, 5);
    const ios = await s.tokenFor(M, 1);
    secrets.add(web).add(ios);
    expect((await post('/auth/force_logout', { userID: M, platformID: 5 }, s.adminToken)).errCode).toBe(0);
    const before = await tables();
    for (const { path } of routePaths(s.app).filter((p) => !p.public)) {
      const body = REQUESTS[path]!(fixture);
      expect((await post(path, body, web)).errCode, path).toBe(1506);
    }
    expect((await post('/auth/parse_token', { token: web }, null)).errCode).toBe(1506);
    expect(await tables()).toEqual(before);
    // The iOS token still authenticates: whatever a path answers, it is not a token error.
    for (const path of ['/group/get_group_member_user_id', '/group/get_joined_group_list', '/user/get_users_info']) {
      const env = await post(path, REQUESTS[path]!(fixture), ios);
      expect(env.errCode, path).toBe(0);
    }
    expect((await post('/auth/parse_token', { token: ios }, null)).data).toMatchObject({ userID: M, platformID: 1 });
    secrets.add((tokens[M] = await s.tokenFor(M)));
  });
});

describe('app-admin calls', () => {
  const ADMIN_ONLY = [
    '/user/user_register',
    '/user/get_users_online_status',
    '/user/get_connection_history',
    '/msg/search_msg',
    '/auth/get_user_token',
    '/auth/force_logout',
    '/msg/send_msg',
    '/group/get_groups',
    '/callback/get_config',
    '/callback/set_config',
    '/callback/check_config',
    '/callback/list_events',
    '/callback/get_event',
    '/callback/replay_event',
    '/callback/replay_dead',
    '/callback/retry_event',
    '/callback/retry_pending',
  ];

  it('owner, admin, member and non-member all get 1002 from each, and nothing changes', async () => {
    // An event to replay, so a replay by the wrong caller would have something to do.
    await s.register('acc_leaver');
    expect(
      (await post('/group/invite_user_to_group', { groupID: GROUP, invitedUserIDs: ['acc_leaver'] }, tokens[O]!))
        .errCode,
    ).toBe(0);
    expect((await post('/group/quit_group', { groupID: GROUP, userID: 'acc_leaver' }, s.adminToken)).errCode).toBe(0);
    const [event] = await eventually(async () => {
      const rows = await s.query<{ id: string; status: string }>(
        `SELECT id, status FROM webhook_events WHERE ordering_key = '${GROUP}' AND payload LIKE '%acc_leaver%' ORDER BY seq DESC`,
      );
      return rows[0]?.status === 'delivered' ? rows : undefined;
    });
    const config = await s.client.ok('/callback/get_config', {}, s.adminToken);
    const before = await tables();
    for (const role of [O, A, M, N]) {
      for (const path of ADMIN_ONLY) {
        const body = {
          ...REQUESTS[path]!(fixture),
          ...(path.startsWith('/webhook/replay') || path === '/callback/get_event' ? { eventID: event!.id } : {}),
        };
        const env = await post(path, body, tokens[role]!);
        expect([env.errCode, env.errMsg], `${path} as ${role}`).toEqual([1002, 'NoPermissionError']);
        expect(env).not.toHaveProperty('data');
      }
    }
    expect(await tables()).toEqual(before);
    expect(await s.client.ok('/callback/get_config', {}, s.adminToken)).toEqual(config);
    const [after] = await s.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM webhook_events WHERE id = '${event!.id}'`,
    );
    expect(after).toMatchObject({ status: 'delivered', attempts: 1 });
    // The app admin may.
    for (const path of ['/callback/get_config', '/callback/list_events'])
      expect((await post(path, REQUESTS[path]!(fixture), s.adminToken)).errCode).toBe(0);
  });
});

describe('secrets', () => {
  it('never reach the log or an error detail, failures and callbacks included', async () => {
    // A wrong secret, a callback that cannot be delivered and one that fails, with everything logged.
    await post('/auth/get_admin_token', { secret: `${TEST_SECRET}x`, userID: 'imAdmin' }, null);
    secrets.add((await post('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' }, null)).data.token);
    rx.answer('*', { status: 500, body: 'receiver failed' });
    const refused = await post(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: GROUP, groupName: 'renamed' } },
      tokens[O]!,
    );
    expect(refused.errCode).toBe(90004);
    await s.register('acc_late');
    await post('/group/invite_user_to_group', { groupID: GROUP, invitedUserIDs: ['acc_late'] }, tokens[O]!);
    await post('/group/quit_group', { groupID: GROUP, userID: 'acc_late' }, s.adminToken);
    await eventually(
      async () => logLines.some((l) => l.includes('will retry') || l.includes('dead-lettered')),
      8000,
      'a failed delivery in the log',
    );
    rx.reset();

    const log = logLines.join('\n');
    expect(log).toContain('before-callback failed');
    for (const secret of secrets) expect(log.includes(secret), `the log holds ${secret.slice(0, 12)}…`).toBe(false);
    // Nor a JWT of any kind, nor the receiver's address.
    expect(log).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
    expect(log).not.toContain(rx.url);
    const details = answers.map((a) => `${a?.errMsg} ${a?.errDlt}`).join('\n');
    for (const secret of secrets)
      expect(details.includes(secret), `an errDlt holds ${secret.slice(0, 12)}…`).toBe(false);
    expect(details).not.toContain(rx.url);
  });
});

describe('write rate limits', () => {
  // One token every 2 s of the server's clock, which stands still unless the test moves it.
  const LIMIT = 30;
  const clock = testClock();
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startServer({ env: { HUDDLE_RATE_LIMIT_WRITES_PER_MINUTE: String(LIMIT) }, now: clock.now });
    await limited.register('rl_a', 'rl_b', 'rl_owner');
    await createGroup(limited, { owner: 'rl_owner', groupID: 'rl_group', needVerification: 2 });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it("lets a user write a minute's allowance at once, then answers 429 with Retry-After, writing nothing, until the bucket refills", async () => {
    const ta = await limited.tokenFor('rl_a');
    const tb = await limited.tokenFor('rl_b');
    const write = (token: string, i: number) =>
      limited.client.raw(
        '/user/update_user_info_ex',
        { userInfo: { userID: token === ta ? 'rl_a' : 'rl_b', nickname: `n${i}` } },
        { token },
      );
    let passed = 0;
    let res = await write(ta, 0);
    while (res.status === 200 && passed <= LIMIT + 10) {
      expect(res.body.errCode).toBe(0);
      passed++;
      res = await write(ta, passed);
    }
    // A burst of a minute's allowance (the server's clock stands still: nothing refilled), then the limit.
    expect(passed).toBe(LIMIT);
    expect(res.status).toBe(429);
    expect(res.body).toEqual({
      errCode: 429,
      errMsg: 'TooManyRequests',
      errDlt: expect.stringContaining('writes a minute'),
    });
    // Every kind of write counts, not just this one.
    expect(
      (await limited.client.raw('/group/join_group', { groupID: 'rl_group', joinSource: 3 }, { token: ta })).status,
    ).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    const [profile] = (await limited.client.ok('/user/get_users_info', { userIDs: ['rl_a'] }, limited.adminToken))
      .usersInfo;
    expect(profile.nickname).toBe(`n${passed - 1}`);

    // Reads, other users and the app admin are not held back.
    expect((await limited.client.post('/user/get_users_info', { userIDs: ['rl_a'] }, ta)).errCode).toBe(0);
    expect((await write(tb, 1)).body.errCode).toBe(0);
    expect(
      (
        await limited.client.post(
          '/user/update_user_info_ex',
          { userInfo: { userID: 'rl_a', ex: 'by admin' } },
          limited.adminToken,
        )
      ).errCode,
    ).toBe(0);

    // Not a moment before Retry-After says (a 429 does not reset the refill), then one write.
    clock.advance(retryAfter * 1000 - 1);
    expect((await write(ta, 998)).status).toBe(429);
    clock.advance(1000);
    expect((await write(ta, 999)).body.errCode).toBe(0);
    expect((await write(ta, 1000)).status).toBe(429);
  });

  it('is off unless configured, and a bad value stops start-up naming the variable', () => {
    expect(loadConfig({}).rateLimitWritesPerMinute).toBe(0);
    expect(() => loadConfig({ HUDDLE_RATE_LIMIT_WRITES_PER_MINUTE: 'lots' })).toThrow(ConfigError);
    expect(() => loadConfig({ HUDDLE_RATE_LIMIT_WRITES_PER_MINUTE: '-1' })).toThrow(
      /HUDDLE_RATE_LIMIT_WRITES_PER_MINUTE/,
    );
  });
});
