// /callback/check_config lists every problem of a configuration document at once (as `huddle config
// check` does for a file) and saves nothing; /callback/set_config refuses such a document with every
// problem in its errDlt, the first one worded as before, and changes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness.js';

let s: TestServer;
let userToken: string;
const admin = <T = any>(p: string, body: unknown) => s.client.ok<T>(p, body, s.adminToken);

/** Five mistakes: two at the top, one in the first endpoint, one in each of the others' hooks. */
const BAD = {
  url: 'ftp://example.com',
  retrySchedule: ['5s', 'soon'],
  deliveryConcurrency: 0,
  afterQuitGroup: { enable: true },
  endpoints: [
    { name: 'no spaces allowed', url: 'http://127.0.0.1:9/a' },
    { name: 'billing', url: 'http://127.0.0.1:9/b', hooks: { afterQuitGroup: { enable: true, timeout: 'forever' } } },
    {
      name: 'tc',
      url: 'http://127.0.0.1:9/c',
      dialect: 'tencent',
      sdkAppId: '1400000001',
      hooks: { beforeMemberJoinGroup: { enable: true } },
    },
  ],
};
const BAD_KEYS = [
  'url',
  'retrySchedule[1]',
  'deliveryConcurrency',
  'endpoints[0].name',
  // The file's own indexes, although endpoints[0] was set aside to find them.
  'endpoints[1].hooks.afterQuitGroup.timeout',
  'endpoints[2].hooks.beforeMemberJoinGroup',
];

beforeAll(async () => {
  s = await startServer();
  await s.register('cc_user');
  userToken = await s.tokenFor('cc_user');
});
afterAll(async () => {
  await s?.close();
});

describe('check_config', () => {
  it('answers every problem at once, keyed by the document sent, and saves nothing', async () => {
    const before = await admin('/callback/get_config', {});
    const check = await admin('/callback/check_config', { config: BAD });
    expect(check.valid).toBe(false);
    expect(check.problems.map((p: { key: string }) => p.key).sort()).toEqual([...BAD_KEYS].sort());
    expect(check.problems.find((p: { key: string }) => p.key === 'retrySchedule[1]')).toEqual({
      key: 'retrySchedule[1]',
      message: 'expected a duration such as 5s, 5m, 2h or a number of seconds, got "soon"',
      hint: 'write 5s, 5m, 2h, 1d, 250ms, or a number of seconds',
    });
    expect(
      check.problems.find((p: { key: string }) => p.key === 'endpoints[2].hooks.beforeMemberJoinGroup').message,
    ).toContain('Tencent Cloud Chat has no callback');
    expect(await admin('/callback/get_config', {})).toEqual(before);
  });

  it('says a valid document is valid, and still saves nothing', async () => {
    const before = await admin('/callback/get_config', {});
    const config = {
      url: 'http://127.0.0.1:9/cb',
      retrySchedule: ['5s', '5m', '2h', '1d'],
      afterQuitGroup: { enable: true, timeout: 3 },
      endpoints: [{ name: 'tc', url: 'http://127.0.0.1:9/tc', dialect: 'tencent', sdkAppId: '1400000001' }],
    };
    expect(await admin('/callback/check_config', { config })).toEqual({ valid: true, problems: [] });
    expect(await admin('/callback/get_config', {})).toEqual(before);
    expect(before.source).toBe('default');
  });

  it('refuses a caller who is not an app admin with 1002', async () => {
    const res = await s.client.post('/callback/check_config', { config: BAD }, userToken);
    expect(res.errCode).toBe(1002);
    expect(res).not.toHaveProperty('data');
  });

  it('refuses what is not a document with 1001', async () => {
    expect((await s.client.post('/callback/check_config', { config: [] }, s.adminToken)).errCode).toBe(1001);
  });
});

describe('get_config', () => {
  it('lists each hook with its phase and the dialects that have it', async () => {
    const { hooks } = await admin('/callback/get_config', {});
    expect(hooks).toContainEqual({ key: 'afterQuitGroup', phase: 'after', dialects: ['openim', 'tencent'] });
    expect(hooks).toContainEqual({ key: 'beforeMemberJoinGroup', phase: 'before', dialects: ['openim'] });
    expect(Object.keys((await admin('/callback/get_config', {})).config)).toEqual(
      expect.arrayContaining(hooks.map((h: { key: string }) => h.key)),
    );
  });
});

describe('set_config', () => {
  it('refuses a document with every problem in errDlt, the first named as before, and changes nothing', async () => {
    const before = await admin('/callback/get_config', {});
    const res = await s.client.post('/callback/set_config', { config: BAD }, s.adminToken);
    expect(res.errCode).toBe(1001);
    expect(res.errDlt).toMatch(/^callback configuration: url: expected an http:\/\/ or https:\/\/ URL/);
    expect(res.errDlt).toContain(`and ${BAD_KEYS.length - 1} more: `);
    for (const key of BAD_KEYS) expect(res.errDlt).toContain(`${key}: `);
    expect(res).not.toHaveProperty('data');
    expect(await admin('/callback/get_config', {})).toEqual(before);
  });
});
