// GET /openapi.json describes every route's answer, and this suite holds the server to it: it calls
// every POST route the served document lists, successfully and with realistic data, and checks each
// whole answer against that route's 200 schema. Answer objects are closed with every key required,
// so a field added to a view but not to its schema (or dropped from one) fails here. So does a route
// in the document that no test called, and a list that never held an item (its items unchecked).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { page, startServer, TEST_SECRET, type TestServer } from './harness.js';
import { checkJson, itemLocations } from './json-schema.js';
import { startReceiver, webhooksDocument, type Receiver } from './receiver.js';
import { eventually } from './wait.js';

type Doc = {
  paths: Record<
    string,
    { post?: { responses: Record<string, { content: Record<string, { schema: Record<string, unknown> }> }> } }
  >;
};

let s: TestServer;
let rx: Receiver;
let doc: Doc;
/** Per route: the schema locations that checked a value in some answer. */
const visited = new Map<string, Set<string>>();

const [OWNER, ADMIN, MEMBER, HEIR, INVITEE, JOINER] = ['olivia', 'adam', 'mia', 'hal', 'ivy', 'jo'];
const DEAD_GROUP = 'unlucky-group';

const answerSchema = (path: string) => doc.paths[path]?.post?.responses['200']?.content['application/json']?.schema;
const documentedRoutes = () => Object.keys(doc.paths).filter((p) => doc.paths[p]!.post);

/** POSTs like a client, expects success, and checks the whole envelope against the document. */
async function call<T = any>(path: string, body: unknown, token: string | null = s.adminToken): Promise<T> {
  const res = await s.client.raw(path, body, { token });
  expect(res.status, path).toBe(200);
  expect(res.body.errCode, `${path}: ${res.text}`).toBe(0);
  const schema = answerSchema(path);
  expect(schema, `${path} has no 200 answer in the document`).toBeDefined();
  const seen = visited.get(path) ?? new Set<string>();
  visited.set(path, seen);
  expect(
    checkJson(doc, schema!, res.body, (at) => seen.add(at), '#', 'answer'),
    path,
  ).toEqual([]);
  return res.body.data as T;
}

const tokens: Record<string, string> = {};

beforeAll(async () => {
  rx = await startReceiver();
  s = await startServer();
  const res = await s.client.raw('/openapi.json', undefined, { method: 'GET', token: null, operationID: null });
  expect(res.status).toBe(200);
  doc = res.body as Doc;
});

afterAll(async () => {
  await s?.close();
  await rx?.close();
});

// Each test below runs the steps it needs (once per file, in order), so any one runs alone (-t).
const steps = new Map<string, () => Promise<void>>();
const started = new Map<string, Promise<void>>();
function step(name: string, needs: string[], fn: () => Promise<void>): void {
  steps.set(name, async () => {
    for (const n of needs) await run(n);
    await fn();
  });
}
function run(name: string): Promise<void> {
  let p = started.get(name);
  if (!p) started.set(name, (p = steps.get(name)!()));
  return p;
}

step('auth', [], async () => {
  const { userID: adminID } = await call('/auth/parse_token', { token: s.adminToken }, null);
  await call('/auth/get_admin_token', { secret: TEST_SECRET, userID: adminID }, null);
  await call('/user/user_register', {
    users: [OWNER, ADMIN, MEMBER, HEIR, INVITEE, JOINER].map((userID) => ({
      userID,
      nickname: userID.toUpperCase(),
      faceURL: `https://f/${userID}.png`,
      ex: '{"team":"blue"}',
    })),
  });
  // userID and nickName narrow by substring in any case: MIA and OLIVIA, not imAdmin.
  const found = await call('/user/get_users', { pagination: page(), userID: 'I', nickName: 'iA' });
  expect([found.total, found.users.map((u: { userID: string }) => u.userID)]).toEqual([2, [MEMBER, OWNER]]);
  for (const u of [MEMBER, JOINER])
    tokens[u] = (await call('/auth/get_user_token', { userID: u, platformID: 5 })).token;
  await call('/auth/get_user_token', { userID: MEMBER, platformID: 1 });
  await call('/auth/force_logout', { userID: MEMBER, platformID: 1 });
  await call('/user/get_users_info', { userIDs: [OWNER, MEMBER, 'nobody'] });
  await call(
    '/user/update_user_info_ex',
    { userInfo: { userID: MEMBER, nickname: 'Mia M.', globalRecvMsgOpt: 1 } },
    tokens[MEMBER]!,
  );
  await call(
    '/user/update_user_info',
    { userInfo: { userID: MEMBER, nickname: 'Mia', faceURL: '', ex: '' } },
    tokens[MEMBER]!,
  );
  // MEMBER connected to the gateway (the presence service, as the gateway calls it); OWNER is not.
  const { presence } = s.app.services;
  await presence.heartbeat('openapi-instance', Date.now());
  const caller = { userID: MEMBER, platformID: 5, isAppAdmin: false };
  await presence.online(
    { operationID: 'op-online', caller, clientIP: '127.0.0.1' },
    { connID: 'openapi-conn', instanceID: 'openapi-instance', userID: MEMBER, platformID: 5, background: false },
  );
  await call('/user/get_users_online_status', { userIDs: [MEMBER, OWNER] });
});

step('config', [], async () => {
  await call('/callback/get_config', {});
  expect(await call('/callback/check_config', { config: { url: 'ftp://x', deliveryConcurrency: 0 } })).toMatchObject({
    valid: false,
  });
  // After-callbacks of group creation from now on; the receiver refuses DEAD_GROUP's until it is dead.
  rx.answer('*', (r) => (r.body?.groupID === DEAD_GROUP ? { status: 500 } : {}));
  const config = webhooksDocument({
    url: rx.url,
    retrySchedule: [0.05],
    hooks: { afterCreateGroup: { enable: true } },
  });
  expect((await call('/callback/set_config', { config })).source).toBe('api');
});

let groupID = '';
step('groups', ['auth', 'config'], async () => {
  const created = await call('/group/create_group', {
    ownerUserID: OWNER,
    adminUserIDs: [ADMIN],
    memberUserIDs: [MEMBER, HEIR],
    groupInfo: {
      groupName: 'Hikers',
      notification: 'Be kind',
      introduction: 'We hike',
      faceURL: 'https://f/g.png',
      ex: 'x',
      groupType: 2,
      applyMemberFriend: 1,
    },
  });
  groupID = created.groupInfo.groupID;
  await call('/group/get_groups_info', { groupIDs: [groupID, 'missing'] });
  await call('/group/set_group_info', {
    groupInfoForSet: { groupID, groupName: 'Hill walkers', notification: 'Boots on', needVerification: 0 },
  });
  await call('/group/set_group_info_ex', { groupID, introduction: 'We walk', ex: 'y', lookMemberInfo: 1 });
  await call('/group/mute_group', { groupID });
  await call('/group/cancel_mute_group', { groupID });
});

step('members', ['groups'], async () => {
  await call('/group/invite_user_to_group', { groupID, invitedUserIDs: [INVITEE], reason: 'come along' });
  await call('/group/get_group_member_list', { groupID, pagination: page(), filter: 0, keyword: '' });
  await call('/group/get_group_members_info', { groupID, userIDs: [OWNER, MEMBER] });
  await call('/group/get_group_member_user_id', { groupID });
  await call('/group/get_joined_group_list', { fromUserID: MEMBER, pagination: page() });
  await call('/group/set_group_member_info', {
    members: [{ groupID, userID: MEMBER, nickname: 'Mia of the hills', ex: 'e', roleLevel: 60 }],
  });
  await call('/group/mute_group_member', { groupID, userID: MEMBER, mutedSeconds: 60 });
  await call('/group/cancel_mute_group_member', { groupID, userID: MEMBER });
  await call('/group/kick_group', { groupID, kickedUserIDs: [INVITEE], reason: 'wrong group' });
  await call('/group/quit_group', { groupID }, tokens[MEMBER]!);
  await call('/group/transfer_group', { groupID, oldOwnerUserID: OWNER, newOwnerUserID: HEIR });
});

step('joins', ['auth'], async () => {
  const closed = (
    await call('/group/create_group', {
      ownerUserID: OWNER,
      groupInfo: { groupName: 'Closed', groupType: 2, needVerification: 1 },
    })
  ).groupInfo;
  await call(
    '/group/join_group',
    { groupID: closed.groupID, joinSource: 3, reqMessage: 'let me in', ex: 'q' },
    tokens[JOINER]!,
  );
  await call('/group/get_recv_group_applicationList', { fromUserID: OWNER, pagination: page() });
  await call('/group/get_user_req_group_applicationList', { userID: JOINER, pagination: page() });
  await call('/group/get_specified_user_group_request_info', { groupID: closed.groupID, userID: JOINER });
  await call('/group/group_application_response', {
    groupID: closed.groupID,
    fromUserID: JOINER,
    handleResult: 1,
    handledMsg: 'welcome',
  });
  await call('/group/dismiss_group', { groupID: closed.groupID, deleteMember: false });
});

step('delivery', ['groups'], async () => {
  await call('/group/create_group', {
    ownerUserID: OWNER,
    groupInfo: { groupID: DEAD_GROUP, groupName: 'Unlucky', groupType: 2 },
  });
  const first = (status: string) => async () =>
    (await s.client.ok('/callback/list_events', { status, pagination: page() }, s.adminToken)).events[0];
  const dead = await eventually(first('dead'), 8000, 'a dead-lettered callback');
  const delivered = await eventually(first('delivered'), 8000, 'a delivered callback');
  expect((await call('/callback/list_events', { pagination: page() })).total).toBeGreaterThanOrEqual(2);
  expect((await call('/callback/get_event', { eventID: delivered.eventID })).attempts.length).toBeGreaterThan(0);
  const to = Date.now() + 1000;
  const stats = await call('/callback/get_delivery_stats', { from: to - 3_600_000, to, bucketMs: 600_000 });
  const endpoint = stats.endpoints.find((e: { endpoint: string }) => e.endpoint === 'default');
  expect(endpoint).toMatchObject({ configured: true, dead: 1 });
  expect(endpoint.buckets).toHaveLength(6);
  expect([endpoint.successes, endpoint.failures].every((n: number) => n > 0)).toBe(true);
  const tested = await call('/callback/test_endpoint', { endpoint: 'default', hook: 'afterCreateGroup' });
  expect(tested).toMatchObject({ statusCode: 200, ok: true, verdict: 'delivered' });
  expect(await call('/callback/replay_dead', { groupID: dead.groupID })).toEqual({ count: 1 });
  expect(await call('/callback/replay_event', { eventID: delivered.eventID })).toEqual({ count: 1 });
  expect((await call('/callback/get_event', { eventID: delivered.eventID })).replays).toHaveLength(1);
  expect(await call('/callback/replay_events', { eventIDs: [dead.eventID, 'no-such-event'] })).toMatchObject({
    unknown: ['no-such-event'],
  });
  // Nothing waits for a scheduled retry here: retry now has nothing to do.
  expect(await call('/callback/retry_pending', { groupID: 'no-such-group' })).toEqual({ count: 0 });
  expect(await call('/callback/retry_event', { eventID: delivered.eventID })).toEqual({ count: 0 });
});

step('messages', ['auth'], async () => {
  const { groupInfo } = await call('/group/create_group', {
    ownerUserID: OWNER,
    memberUserIDs: [JOINER],
    groupInfo: { groupName: 'Chat', groupType: 2 },
  });
  const conversationID = `sg_${groupInfo.groupID}`;
  const text = { content: 'hello' };
  await call('/msg/send_msg', {
    sendID: OWNER,
    groupID: groupInfo.groupID,
    sessionType: 3,
    contentType: 101,
    content: text,
    offlinePushInfo: { title: 'New message', desc: 'hello', ex: '', iOSPushSound: '', iOSBadgeCount: true },
  });
  await call('/msg/send_msg', {
    sendID: JOINER,
    groupID: groupInfo.groupID,
    sessionType: 3,
    contentType: 101,
    content: text,
  });
  // Both messages in the last minute's bucket; MEMBER is connected (the auth step).
  const to = Date.now() + 1000;
  const activity = await call('/stats/get_activity', { from: to - 600_000, to, bucketMs: 60_000 });
  expect(activity.messages).toHaveLength(10);
  expect(activity.messages.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBeGreaterThanOrEqual(2);
  expect([activity.usersOnline, activity.connectionsOnline]).toEqual([1, 1]);
  await call('/msg/newest_seq', { userID: JOINER }, tokens[JOINER]!);
  await call(
    '/msg/pull_msg_by_seq',
    { userID: JOINER, seqRanges: [{ conversationID, begin: 1, end: 2, num: 10 }], order: 0 },
    tokens[JOINER]!,
  );
  // The group's creation notice, in notificationMsgs.
  const notices = await call(
    '/msg/pull_msg_by_seq',
    { userID: JOINER, seqRanges: [{ conversationID: `n_${groupInfo.groupID}`, begin: 1, end: 1, num: 10 }], order: 0 },
    tokens[JOINER]!,
  );
  expect(notices.notificationMsgs[`n_${groupInfo.groupID}`].Msgs).toHaveLength(1);
  await call(
    '/conversation/set_conversations',
    {
      userIDs: [JOINER],
      conversation: { conversationID, conversationType: 3, groupID: groupInfo.groupID, isPinned: true, ex: 'starred' },
    },
    tokens[JOINER]!,
  );
  await call(
    '/msg/get_conversations_has_read_and_max_seq',
    { userID: JOINER, conversationIDs: [], returnPinned: true },
    tokens[JOINER]!,
  );
  await call(
    '/msg/mark_conversation_as_read',
    { conversationID, userID: JOINER, hasReadSeq: 2, seqs: [1, 2] },
    tokens[JOINER]!,
  );
});

step('modified message', ['auth', 'config'], async () => {
  // A business server that rewrites messages: send_msg answers the message as changed, in `modify`.
  const config = webhooksDocument({
    url: rx.url,
    retrySchedule: [0.05],
    hooks: { afterCreateGroup: { enable: true }, beforeMsgModify: { enable: true } },
  });
  await call('/callback/set_config', { config });
  rx.answer('callbackBeforeMsgModifyCommand', {
    body: { actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0, ex: 'reviewed', atUserIDList: [JOINER] },
  });
  const { groupInfo } = await call('/group/create_group', {
    ownerUserID: OWNER,
    memberUserIDs: [JOINER],
    groupInfo: { groupName: 'Moderated', groupType: 2 },
  });
  const sent = await call('/msg/send_msg', {
    sendID: OWNER,
    groupID: groupInfo.groupID,
    sessionType: 3,
    contentType: 101,
    content: { content: 'hello' },
  });
  expect(sent.modify).toMatchObject({ ex: 'reviewed', atUserIDList: [JOINER] });
});

step('decisions', ['modified message'], async () => {
  // The before-callback of send_msg above, kept in the decision log.
  const { decisions } = await eventually(
    async () => {
      const found = await call('/callback/list_decisions', { hook: 'beforeMsgModify', pagination: page() });
      return found.total > 0 ? found : undefined;
    },
    8000,
    'a recorded before-callback decision',
  );
  expect(decisions[0]).toMatchObject({ decision: 'modify', endpoint: 'default', proceeded: true });
});

step('sync', ['auth'], async () => {
  const asJoiner = tokens[JOINER]!;
  const create = async (groupName: string, members: string[]) =>
    (
      await call('/group/create_group', {
        ownerUserID: OWNER,
        memberUserIDs: members,
        groupInfo: { groupName, groupType: 2 },
      })
    ).groupInfo.groupID as string;
  const synced = await create('Synced', [JOINER, INVITEE]);
  const left = await create('Left', [JOINER]);
  const start = { version: 0, versionID: '' };
  const groups = await call('/group/get_incremental_join_groups', { userID: JOINER, ...start }, asJoiner);
  const members = await call('/group/get_incremental_group_members', { groupID: synced, ...start }, asJoiner);
  await call('/group/set_group_info', { groupInfoForSet: { groupID: synced, groupName: 'Synced again' } });
  await call('/group/quit_group', { groupID: left }, asJoiner);
  await create('New', [JOINER]);
  await call('/group/invite_user_to_group', { groupID: synced, invitedUserIDs: [ADMIN] });
  await call('/group/mute_group_member', { groupID: synced, userID: JOINER, mutedSeconds: 60 });
  await call('/group/kick_group', { groupID: synced, kickedUserIDs: [INVITEE] });
  const delta = await call(
    '/group/get_incremental_join_groups',
    { userID: JOINER, version: groups.version, versionID: groups.versionID },
    asJoiner,
  );
  expect([delta.insert.length, delta.update.length, delta.delete.length]).toEqual([1, 1, 1]);
  const memberDelta = await call(
    '/group/get_incremental_group_members',
    { groupID: synced, version: members.version, versionID: members.versionID },
    asJoiner,
  );
  expect([memberDelta.insert.length, memberDelta.update.length, memberDelta.delete.length]).toEqual([1, 1, 1]);
  await call('/group/get_incremental_group_members_batch', {
    userID: JOINER,
    reqList: [{ groupID: synced, ...start }],
  });
  await call('/group/get_full_join_group_ids', { idHash: 0, userID: JOINER }, asJoiner);
  await call('/group/get_full_group_member_user_ids', { idHash: 0, groupID: synced }, asJoiner);
  await call('/group/get_groups', { groupName: 'Synced', groupID: '', pagination: page() });
  await call('/group/get_group_abstract_info', { groupIDs: [synced] }, asJoiner);
});

step('friends', ['auth'], async () => {
  const asJoiner = tokens[JOINER]!;
  await call('/friend/get_incremental_friends', { userID: JOINER, version: 0, versionID: '' }, asJoiner);
  await call('/friend/get_full_friend_user_ids', { idHash: 0, userID: JOINER }, asJoiner);
  await call('/friend/get_friend_list', { userID: JOINER, pagination: page() }, asJoiner);
  await call('/friend/get_black_list', { userID: JOINER, pagination: page() }, asJoiner);
  await call('/friend/get_designated_friends', { ownerUserID: JOINER, friendUserIDs: [OWNER] }, asJoiner);
});

step('pending requests', ['auth'], async () => {
  const { groupInfo } = await call('/group/create_group', {
    ownerUserID: OWNER,
    groupInfo: { groupName: 'Asking', groupType: 2, needVerification: 1 },
  });
  await call('/group/join_group', { groupID: groupInfo.groupID, joinSource: 3, reqMessage: 'me too' }, tokens[MEMBER]!);
  await call('/group/get_group_users_req_application_list', { groupID: groupInfo.groupID, userIDs: [MEMBER] });
  expect((await call('/group/get_group_application_unhandled_count', { userID: OWNER, time: 0 })).count).toBe(1);
});

step('conversations', ['messages'], async () => {
  const joiner = tokens[JOINER]!;
  const all = await call(
    '/conversation/get_incremental_conversations',
    { userID: JOINER, version: 0, versionID: '' },
    joiner,
  );
  await call(
    '/conversation/set_conversations',
    { userIDs: [JOINER], conversation: { ...all.insert[0], recvMsgOpt: 2 } },
    joiner,
  );
  const { update } = await call(
    '/conversation/get_incremental_conversations',
    { userID: JOINER, version: all.version, versionID: all.versionID },
    joiner,
  );
  expect(update).toHaveLength(1);
  await call('/conversation/get_full_conversation_ids', { userID: JOINER, idHash: 0 }, joiner);
  await call('/conversation/get_owner_conversation', { userID: JOINER, pagination: page() }, joiner);
  await call('/conversation/get_not_notify_conversation_ids', { userID: JOINER }, joiner);
  await call('/conversation/get_pinned_conversation_ids', { userID: JOINER }, joiner);
  const conversationIDs = all.insert.map((c: { conversationID: string }) => c.conversationID);
  // The last message, which the /jssdk answers carry, mentions someone (in a group of this step's:
  // others' may be dismissed by now).
  const { groupInfo: talk } = await call('/group/create_group', {
    ownerUserID: OWNER,
    memberUserIDs: [JOINER],
    groupInfo: { groupName: 'Talk', groupType: 2 },
  });
  await call('/msg/send_msg', {
    sendID: OWNER,
    groupID: talk.groupID,
    sessionType: 3,
    contentType: 101,
    content: { content: '@jo' },
    atUserIDList: [JOINER],
  });
  await call('/conversation/get_conversations', { ownerUserID: JOINER, conversationIDs }, joiner);
  await call('/conversation/get_all_conversations', { ownerUserID: JOINER }, joiner);
  // A one-to-one conversation too: its answer names the peer (`user`) where a group's has `group`.
  await call('/msg/send_msg', {
    sendID: OWNER,
    recvID: JOINER,
    sessionType: 1,
    contentType: 101,
    content: { content: 'hi' },
  });
  const active = await call('/jssdk/get_active_conversations', { ownerUserID: JOINER, count: 10 }, joiner);
  // Each names its group or its peer, never both.
  const kinds = active.conversations.map((c: { user: unknown; group: unknown }) => [c.user === null, c.group === null]);
  expect(kinds).toContainEqual([true, false]);
  expect(kinds).toContainEqual([false, true]);
  expect(kinds.every(([u, g]: boolean[]) => u !== g)).toBe(true);
  await call(
    '/jssdk/get_conversations',
    { ownerUserID: JOINER, conversationIDs: [...conversationIDs, `sg_${talk.groupID}`] },
    joiner,
  );
});

step('operator reads', ['conversations'], async () => {
  // Messages of a group and a one-to-one conversation (the conversations step sent both).
  const found = await call('/msg/search_msg', {
    sendID: OWNER,
    recvID: '',
    contentType: 101,
    sendTime: '',
    sessionType: 0,
    pagination: page(),
    conversationID: '',
  });
  const kinds = found.chatLogs.map((l: { chatLog: { sessionType: number } }) => l.chatLog.sessionType);
  expect(kinds).toContain(1);
  expect(kinds).toContain(3);
  // A connection that came and went, beside the one the auth step left online.
  const { presence } = s.app.services;
  const caller = { userID: MEMBER, platformID: 2, isAppAdmin: false };
  const ctx = { operationID: 'op-history', caller, clientIP: '127.0.0.1' };
  const conn = { connID: 'openapi-conn-2', instanceID: 'openapi-instance', userID: MEMBER, platformID: 2 };
  await presence.online(ctx, { ...conn, background: false, remoteAddr: '127.0.0.1', sdkType: 'go', sdkVersion: 'v3' });
  await presence.offline(ctx, conn, 'logout');
  const history = await call('/user/get_connection_history', { userID: MEMBER, pagination: page() });
  expect(history.connections.map((c: { endReason: string }) => c.endReason)).toContain('logout');
});

describe('every answer fits the served document', () => {
  it('auth and users', () => run('auth'));
  it('the callback configuration', () => run('config'));
  it('groups', () => run('groups'));
  it('members', () => run('members'));
  it('join requests', () => run('joins'));
  it('the delivery log, replay and retry now', () => run('delivery'));
  it('messages and read marks', () => run('messages'));
  it('a message a before-callback changed', () => run('modified message'));
  it('the before-callback decision log', () => run('decisions'));
  it('group and member sync', () => run('sync'));
  it('friends (always empty)', () => run('friends'));
  it('join requests by user and the pending count', () => run('pending requests'));
  it('conversations', () => run('conversations'));
  it("an operator's reads: messages and connection history", () => run('operator reads'));

  it('catches a key added to or dropped from an answer', async () => {
    await run('groups');
    const res = await s.client.raw('/group/get_groups_info', { groupIDs: [groupID] }, { token: s.adminToken });
    const check = (body: unknown) =>
      checkJson(doc, answerSchema('/group/get_groups_info')!, body, undefined, '#', 'answer');
    expect(check(res.body)).toEqual([]);
    const [info] = res.body.data.groupInfos;
    const { ex: _dropped, ...without } = info;
    expect(check({ ...res.body, data: { groupInfos: [{ ...info, nickname: 'x' }] } })).toEqual([
      'answer.data.groupInfos[0].nickname: not allowed here',
    ]);
    expect(check({ ...res.body, data: { groupInfos: [without] } })).toEqual([
      'answer.data.groupInfos[0]: ex is missing',
    ]);
    // An empty success documents that `data` is left out.
    const empty = answerSchema('/group/mute_group')!;
    expect(checkJson(doc, empty, { errCode: 0, errMsg: '', errDlt: '', data: {} })).not.toEqual([]);
  });

  it('called every route the document lists, with an item in every list', async () => {
    for (const name of steps.keys()) await run(name);
    const routes = documentedRoutes();
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((p) => !visited.has(p))).toEqual([]);
    const unchecked = routes.flatMap((p) =>
      itemLocations(answerSchema(p))
        .filter((at) => !visited.get(p)!.has(at))
        .map((at) => `${p} ${at}`),
    );
    expect(unchecked).toEqual([]);
  });
});
