// A well-formed body for every API path, built from whatever users and groups a test has: the fuzz
// suite draws them at random and mutates the result, the access suite sends them as each role.
// routePaths() lists what the server really serves, so a new route without a body here fails both.

import type { App } from '../src/app.js';
import { allRoutes } from '../src/http/routes/index.js';
import { TEST_SECRET } from './harness.js';

/** Where a body's values come from. */
export interface Picker {
  /** A registered user (never the app admin). */
  user(): string;
  /** 1..max distinct registered users. */
  users(max: number): string[];
  /** A group that exists (or, now and then, one that does not). */
  group(): string;
  /** The owner of `groupID` as far as the test knows (or any user). */
  owner(groupID: string): string;
  /** An integer in [0, n). */
  int(n: number): number;
  /** A fresh ID nobody has used. */
  fresh(prefix: string): string;
  /** An outbox event ID (or one that does not exist). */
  eventID(): string;
}

const pagination = (p: Picker) => ({ pageNumber: 1 + p.int(2), showNumber: 1 + p.int(50) });
const oneOf = <T>(p: Picker, xs: readonly T[]): T => xs[p.int(xs.length)]!;

export const REQUESTS: Record<string, (p: Picker) => Record<string, unknown>> = {
  '/auth/get_admin_token': () => ({ secret: TEST_SECRET, userID: 'imAdmin' }),
  '/auth/get_user_token': (p) => ({ userID: p.user(), platformID: oneOf(p, [1, 2, 5]) }),
  '/auth/parse_token': () => ({ token: 'set by the caller' }),
  '/auth/force_logout': (p) => ({ userID: p.user(), platformID: oneOf(p, [1, 2]) }),
  '/user/user_register': (p) => ({ users: [{ userID: p.fresh('ur'), nickname: 'n' }] }),
  '/user/get_users_info': (p) => ({ userIDs: p.users(3) }),
  '/user/get_users': (p) => ({ pagination: pagination(p), userID: oneOf(p, ['', 'a']), nickName: oneOf(p, ['', 'n']) }),
  '/user/get_users_online_status': (p) => ({ userIDs: p.users(3) }),
  '/user/get_connection_history': (p) => ({ userID: p.user(), pagination: pagination(p) }),
  '/user/update_user_info_ex': (p) => ({ userInfo: { userID: p.user(), nickname: `nick${p.int(9)}`, ex: 'e' } }),
  '/user/update_user_info': (p) => ({
    userInfo: { userID: p.user(), nickname: `nick${p.int(9)}`, faceURL: p.int(2) ? '' : 'https://f/x.png' },
  }),
  '/group/create_group': (p) => {
    const [owner, ...rest] = p.users(6);
    const cut = p.int(rest.length + 1);
    return {
      ownerUserID: owner,
      adminUserIDs: rest.slice(0, cut),
      memberUserIDs: rest.slice(cut),
      groupInfo: { groupID: p.fresh('fg'), groupName: 'g', groupType: 2, needVerification: p.int(3) },
    };
  },
  '/group/get_groups_info': (p) => ({ groupIDs: [p.group(), p.group()] }),
  '/group/set_group_info': (p) => ({
    groupInfoForSet: { groupID: p.group(), groupName: `name${p.int(9)}`, needVerification: p.int(3) },
  }),
  '/group/set_group_info_ex': (p) => ({
    groupID: p.group(),
    introduction: `intro${p.int(9)}`,
    needVerification: p.int(3),
  }),
  '/group/transfer_group': (p) => {
    const groupID = p.group();
    return { groupID, oldOwnerUserID: p.owner(groupID), newOwnerUserID: p.user() };
  },
  '/group/dismiss_group': (p) => ({ groupID: p.group(), deleteMember: p.int(2) === 1 }),
  '/group/mute_group': (p) => ({ groupID: p.group() }),
  '/group/cancel_mute_group': (p) => ({ groupID: p.group() }),
  '/group/join_group': (p) => ({
    groupID: p.group(),
    joinSource: 1 + p.int(4),
    reqMessage: 'hi',
    inviterUserID: p.int(2) ? p.user() : '',
  }),
  '/group/quit_group': (p) => ({ groupID: p.group(), userID: p.int(2) ? p.user() : '' }),
  '/group/invite_user_to_group': (p) => ({ groupID: p.group(), invitedUserIDs: p.users(3), reason: 'r' }),
  '/group/kick_group': (p) => ({ groupID: p.group(), kickedUserIDs: p.users(2), reason: 'r' }),
  '/group/get_group_member_list': (p) => ({
    groupID: p.group(),
    pagination: pagination(p),
    filter: p.int(6),
    keyword: p.int(2) ? '' : 'f',
  }),
  '/group/get_group_members_info': (p) => ({ groupID: p.group(), userIDs: p.users(3) }),
  '/group/get_group_member_user_id': (p) => ({ groupID: p.group() }),
  '/group/get_joined_group_list': (p) => ({ fromUserID: p.user(), pagination: pagination(p) }),
  '/group/set_group_member_info': (p) => ({
    members: [
      { groupID: p.group(), userID: p.user(), nickname: `m${p.int(9)}`, roleLevel: oneOf(p, [20, 60, 100, null]) },
    ],
  }),
  '/group/mute_group_member': (p) => ({ groupID: p.group(), userID: p.user(), mutedSeconds: 1 + p.int(3600) }),
  '/group/cancel_mute_group_member': (p) => ({ groupID: p.group(), userID: p.user() }),
  '/group/group_application_response': (p) => ({
    groupID: p.group(),
    fromUserID: p.user(),
    handleResult: oneOf(p, [1, -1]),
    handledMsg: 'ok',
  }),
  '/group/get_recv_group_applicationList': (p) => ({ fromUserID: p.user(), pagination: pagination(p) }),
  '/group/get_user_req_group_applicationList': (p) => ({ userID: p.user(), pagination: pagination(p) }),
  '/group/get_specified_user_group_request_info': (p) => ({ groupID: p.group(), userID: p.user() }),
  '/msg/send_msg': (p) => ({
    sendID: p.user(),
    groupID: p.group(),
    sessionType: 3,
    contentType: 101,
    content: { content: `hello ${p.int(9)}` },
    ...(p.int(2) ? { clientMsgID: `c${p.int(5)}` } : {}),
  }),
  '/msg/newest_seq': (p) => ({ userID: p.user() }),
  '/msg/search_msg': (p) => ({
    sendID: oneOf(p, ['', p.user()]),
    recvID: oneOf(p, ['', p.user(), p.group()]),
    contentType: oneOf(p, [0, 101]),
    sendTime: oneOf(p, ['', '2026-01-31']),
    sessionType: oneOf(p, [0, 1, 3]),
    pagination: pagination(p),
    conversationID: oneOf(p, ['', `sg_${p.group()}`]),
  }),
  '/msg/pull_msg_by_seq': (p) => ({
    userID: p.user(),
    seqRanges: [{ conversationID: `sg_${p.group()}`, begin: p.int(3), end: 3 + p.int(5), num: 1 + p.int(10) }],
    order: p.int(2),
  }),
  '/msg/get_conversations_has_read_and_max_seq': (p) => ({
    userID: p.user(),
    conversationIDs: p.int(2) ? [] : [`sg_${p.group()}`],
  }),
  '/msg/mark_conversation_as_read': (p) => ({
    userID: p.user(),
    conversationID: `sg_${p.group()}`,
    hasReadSeq: p.int(4),
    seqs: [],
  }),
  '/conversation/set_conversations': (p) => {
    const groupID = p.group();
    return {
      userIDs: [p.user()],
      conversation: { conversationID: `sg_${groupID}`, conversationType: 3, groupID, isPinned: p.int(2) === 1 },
    };
  },
  '/group/get_incremental_join_groups': (p) => ({ userID: p.user(), version: p.int(3), versionID: '' }),
  '/group/get_incremental_group_members': (p) => ({ groupID: p.group(), version: p.int(3), versionID: '' }),
  '/group/get_incremental_group_members_batch': (p) => ({
    userID: p.user(),
    reqList: [{ groupID: p.group(), version: p.int(3), versionID: '' }],
  }),
  '/group/get_full_join_group_ids': (p) => ({ idHash: p.int(2), userID: p.user() }),
  '/group/get_full_group_member_user_ids': (p) => ({ idHash: p.int(2), groupID: p.group() }),
  '/group/get_groups': (p) => ({ groupName: oneOf(p, ['', 'a']), pagination: pagination(p) }),
  '/group/get_group_abstract_info': (p) => ({ groupIDs: [p.group()] }),
  '/group/get_group_users_req_application_list': (p) => ({ groupID: p.group(), userIDs: p.users(3) }),
  '/group/get_group_application_unhandled_count': (p) => ({ userID: p.user(), time: 0 }),
  '/friend/get_incremental_friends': (p) => ({ userID: p.user(), version: p.int(2), versionID: '' }),
  '/friend/get_full_friend_user_ids': (p) => ({ idHash: p.int(2), userID: p.user() }),
  '/friend/get_friend_list': (p) => ({ userID: p.user(), pagination: pagination(p) }),
  '/friend/get_black_list': (p) => ({ userID: p.user(), pagination: pagination(p) }),
  '/friend/get_designated_friends': (p) => ({ ownerUserID: p.user(), friendUserIDs: p.users(2) }),
  '/conversation/get_incremental_conversations': (p) => ({ userID: p.user(), version: p.int(3), versionID: '' }),
  '/conversation/get_full_conversation_ids': (p) => ({ userID: p.user(), idHash: p.int(2) }),
  '/conversation/get_owner_conversation': (p) => ({ userID: p.user(), pagination: pagination(p) }),
  '/conversation/get_not_notify_conversation_ids': (p) => ({ userID: p.user() }),
  '/conversation/get_pinned_conversation_ids': (p) => ({ userID: p.user() }),
  '/conversation/get_conversations': (p) => ({ ownerUserID: p.user(), conversationIDs: [`sg_${p.group()}`] }),
  '/conversation/get_all_conversations': (p) => ({ ownerUserID: p.user() }),
  '/jssdk/get_active_conversations': (p) => ({ ownerUserID: p.user(), count: p.int(30) }),
  '/jssdk/get_conversations': (p) => ({ ownerUserID: p.user(), conversationIDs: [`sg_${p.group()}`] }),
  '/callback/get_config': () => ({}),
  // A document that would change nothing the suites rely on, were it ever accepted.
  '/callback/set_config': () => ({ config: { url: '' } }),
  '/callback/check_config': () => ({ config: { url: '' } }),
  '/callback/list_events': (p) => ({ pagination: pagination(p) }),
  '/callback/get_event': (p) => ({ eventID: p.eventID() }),
  '/callback/list_decisions': (p) => ({ groupID: p.group(), pagination: pagination(p) }),
  '/callback/test_endpoint': () => ({ endpoint: 'default', hook: 'afterCreateGroup' }),
  '/stats/get_activity': (p) => ({ from: Date.now() - 3_600_000 * (1 + p.int(24)), bucketMs: 300_000 }),
  '/callback/get_delivery_stats': (p) => ({
    from: Date.now() - 3_600_000 * (1 + p.int(24)),
    bucketMs: 300_000 * (1 + p.int(12)),
  }),
  '/callback/replay_event': (p) => ({ eventID: p.eventID() }),
  '/callback/replay_dead': (p) => ({ groupID: p.group() }),
  '/callback/replay_events': (p) => ({ eventIDs: [p.eventID()] }),
  '/callback/retry_event': (p) => ({ eventID: p.eventID() }),
  '/callback/retry_pending': (p) => ({ groupID: p.group() }),
};

/** Every POST path the server serves, with its token requirement. */
export function routePaths(app: App): { path: string; public: boolean }[] {
  const routes = allRoutes(app.services, {
    settings: app.callbackConfig,
    now: Date.now,
  });
  return routes.map((r) => ({ path: r.path, public: r.public === true }));
}
