// The GET side next to the API: /openapi.json generated from the route schemas and hook
// declarations, the console's static files (content types, client routes, no way out of the
// directory), and the live stream's admin check.

import { CALLBACK_KEYS, CALLBACKS } from '@huddle/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../src/http/routes/index.js';
import { startServer, type TestServer } from './harness.js';

let s: TestServer;
const get = (path: string, headers: Record<string, string> = {}) =>
  s.client.raw(path, undefined, { method: 'GET', token: null, operationID: null, headers });

beforeAll(async () => {
  s = await startServer();
  await s.register('alice');
});
afterAll(() => s.close());

describe('GET /openapi.json', () => {
  it('describes every route with the schema it validates with', async () => {
    const res = await get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const paths = allRoutes(s.app.services, {
      settings: s.app.callbackConfig,
      now: Date.now,
    }).map((r) => r.path);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([...paths, '/callback/live']));

    const create = doc.paths['/group/create_group'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(['ownerUserID', 'groupInfo']);
    expect(create.properties.groupInfo.properties.groupName).toMatchObject({ type: 'string', maxLength: 255 });
    expect(create.properties.memberUserIDs).toMatchObject({
      type: 'array',
      maxItems: 1000,
      items: { type: 'string', maxLength: 64 },
    });
    expect(doc.paths['/auth/get_admin_token'].post.security).toEqual([]);
    expect(doc.paths['/callback/list_events'].post.security).toEqual([{ token: [] }]);
  });

  it('describes every callback: body from its fixture, answer with what a before-hook may modify', async () => {
    const { webhooks } = (await get('/openapi.json')).body;
    const tencentKeys = CALLBACK_KEYS.filter((k) => CALLBACKS[k].tencent).map((k) => `${k} (tencent)`);
    expect(Object.keys(webhooks).sort()).toEqual([...CALLBACK_KEYS, ...tencentKeys].sort());
    const quit = webhooks.afterQuitGroup.post;
    expect(quit.summary).toContain(CALLBACKS.afterQuitGroup.openim.command);
    const body = quit.requestBody.content['application/json'];
    expect(body.example.callbackCommand).toBe(CALLBACKS.afterQuitGroup.openim.command);
    expect(body.schema.properties.groupID).toEqual({ type: 'string' });
    const answer = webhooks.beforeSetGroupMemberInfo.post.responses['200'].content['application/json'].schema;
    expect(Object.keys(answer.properties)).toEqual(
      expect.arrayContaining(['actionCode', 'nextCode', 'errCode', 'roleLevel']),
    );
    expect(answer.properties.roleLevel.enum).toEqual([20, 60]);
  });

  it("describes Tencent's dialect beside OpenIM's: its body from the Tencent fixture, fields sent only on change not required", async () => {
    const { webhooks } = (await get('/openapi.json')).body;
    const created = webhooks['afterCreateGroup (tencent)'].post;
    expect(created.summary).toContain('Group.CallbackAfterCreateGroup');
    expect(created.requestBody.content['application/json'].example.CallbackCommand).toBe(
      'Group.CallbackAfterCreateGroup',
    );
    const changed = webhooks['afterSetGroupInfo (tencent)'].post.requestBody.content['application/json'].schema;
    expect(changed.required).toEqual(['CallbackCommand', 'GroupId', 'Type', 'Operator_Account', 'EventTime']);
    const invite = webhooks['beforeInviteUserToGroup (tencent)'].post.responses['200'].content['application/json'];
    expect(Object.keys(invite.schema.properties)).toEqual([
      'ActionStatus',
      'ErrorCode',
      'ErrorInfo',
      'RefusedMembers_Account',
    ]);
    expect(Object.keys(invite.examples).sort()).toEqual(['allow', 'deny-custom', 'modify', 'reject']);
  });
});

describe('GET /console', () => {
  it('serves the built files with their content types, and index.html for client routes', async () => {
    expect((await get('/console')).status).toBe(308);
    const index = await get('/console/');
    expect(index.status).toBe(200);
    expect(index.text).toContain('<div id="root">');
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(index.text)?.[1];
    expect(script).toBeDefined();
    const js = await s.client.raw(script!, undefined, { method: 'GET', token: null });
    expect(js.status).toBe(200);
    const route = await get('/console/events/evt_1');
    expect(route.status).toBe(200);
    expect(route.text).toBe(index.text);
    expect((await get('/console/assets/missing.js')).status).toBe(404);
  });

  it('never serves a file outside its directory', async () => {
    for (const path of [
      '/console/../package.json',
      '/console/..%2f..%2f..%2fpackage.json',
      '/console/%2e%2e/%2e%2e/server/package.json',
      '/console/..%5c..%5cpackage.json',
      '/console/%00',
    ]) {
      const res = await get(path);
      expect(res.status, path).not.toBe(200);
      expect(res.text, path).not.toContain('"name"');
    }
  });
});

describe('GET /callback/live', () => {
  it('takes an app admin token only', async () => {
    expect((await get('/callback/live')).body.errCode).toBe(1001);
    expect((await get('/callback/live', { token: await s.tokenFor('alice') })).body.errCode).toBe(1002);
  });
});
