import type { Services } from '../../domain/index.js';
import { USER_ID_PATTERN } from '../../domain/users.js';
import { NO_DATA, UserPage, UsersInfo, UsersOnlineStatus } from '../responses.js';
import { route } from '../route.js';
import { arr, idList, int, LIMITS, obj, optInt, optStr, pagination, str, userID } from '@huddle/protocol';
import { ConnectionHistory } from '@huddle/protocol/chat-admin';

const newUser = obj({
  userID: str({
    max: LIMITS.id,
    required: true,
    pattern: { re: USER_ID_PATTERN, message: 'may contain only letters, digits and _' },
  }),
  nickname: str({ max: LIMITS.nickname, required: true }),
  faceURL: str({ max: LIMITS.faceURL }),
  ex: str({ max: LIMITS.ex }),
  appMangerLevel: int({ min: 0, max: 100 }),
  globalRecvMsgOpt: int({ min: 0, max: 2 }),
});

export const userRoutes = ({ users, presence }: Services) => [
  route({
    path: '/user/user_register',
    body: obj({ users: arr(newUser, { max: LIMITS.list, nonEmpty: true }) }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await users.register(ctx, body.users);
    },
  }),
  route({
    path: '/user/get_users_info',
    body: obj({ userIDs: idList({ nonEmpty: true }) }),
    response: UsersInfo,
    handle: (ctx, body) => users.getUsersInfo(ctx, body.userIDs),
  }),
  // OpenIM's admin listing; userID and nickName narrow it to those containing them (any case).
  route({
    path: '/user/get_users',
    body: obj({
      pagination: pagination(),
      userID: str({ max: LIMITS.id }),
      nickName: str({ max: LIMITS.nickname }),
    }),
    response: UserPage,
    handle: (ctx, body) => users.searchUsers(ctx, body),
  }),
  route({
    path: '/user/update_user_info_ex',
    body: obj({
      userInfo: obj({
        userID: str({ max: LIMITS.id, required: true }),
        nickname: optStr({ max: LIMITS.nickname }),
        faceURL: optStr({ max: LIMITS.faceURL }),
        ex: optStr({ max: LIMITS.ex }),
        globalRecvMsgOpt: optInt({ min: 0, max: 2 }),
      }),
    }),
    response: NO_DATA,
    handle: async (ctx, { userInfo: { userID, ...patch } }) => {
      await users.updateUserInfoEx(ctx, userID, patch);
    },
  }),
  // OpenIM's older call (deprecated there, still used by clients): plain strings, "" = unchanged.
  route({
    path: '/user/update_user_info',
    body: obj({
      userInfo: obj({
        userID: str({ max: LIMITS.id, required: true }),
        nickname: str({ max: LIMITS.nickname }),
        faceURL: str({ max: LIMITS.faceURL }),
        ex: str({ max: LIMITS.ex }),
      }),
    }),
    response: NO_DATA,
    handle: async (ctx, { userInfo }) => {
      await users.updateUserInfo(ctx, userInfo);
    },
  }),
  // Who is connected to the gateway of any instance, and on which platforms (app admins only).
  route({
    path: '/user/get_users_online_status',
    body: obj({ userIDs: idList({ nonEmpty: true }) }),
    response: UsersOnlineStatus,
    handle: (ctx, body) => presence.status(ctx, body.userIDs),
  }),
  // huddle's own (OpenIM keeps no history): the user's gateway connections, newest first, with when
  // and why each ended, kept HUDDLE_CONNECTION_HISTORY_RETENTION_DAYS (app admins only).
  route({
    path: '/user/get_connection_history',
    body: obj({ userID: userID(), pagination: pagination() }),
    response: ConnectionHistory,
    handle: async (ctx, body) => {
      const { total, connections } = await presence.history(ctx, body.userID, body.pagination);
      return {
        total,
        connections: connections.map((c) => ({ ...c, disconnectedAt: c.disconnectedAt ?? 0 })),
      };
    },
  }),
];
