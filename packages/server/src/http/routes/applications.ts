import type { Services } from '../../domain/index.js';
import { NO_DATA, RequestPage, UnhandledCount } from '../responses.js';
import { route } from '../route.js';
import { arr, groupID, idList, int, int64, LIMITS, obj, pagination, str, userID } from '@huddle/protocol';

const handleResults = () => arr(int({ min: -1, max: 1 }), { max: 3 });

export const applicationRoutes = ({ applications }: Services) => [
  route({
    path: '/group/group_application_response',
    body: obj({
      groupID: groupID(),
      fromUserID: userID(),
      handledMsg: str({ max: LIMITS.message }),
      handleResult: int({ min: -1, max: 1, hint: '1 agree, -1 refuse' }),
    }),
    response: NO_DATA,
    handle: async (ctx, body) => {
      await applications.respond(ctx, body);
    },
  }),
  route({
    path: '/group/get_recv_group_applicationList',
    body: obj({ pagination: pagination(), fromUserID: userID(), groupIDs: idList(), handleResults: handleResults() }),
    response: RequestPage,
    handle: (ctx, body) => applications.received(ctx, body),
  }),
  route({
    path: '/group/get_user_req_group_applicationList',
    body: obj({ pagination: pagination(), userID: userID(), groupIDs: idList(), handleResults: handleResults() }),
    response: RequestPage,
    handle: (ctx, body) => applications.sent(ctx, body),
  }),
  route({
    path: '/group/get_specified_user_group_request_info',
    body: obj({ groupID: groupID(), userID: userID() }),
    response: RequestPage,
    handle: (ctx, body) => applications.specified(ctx, body),
  }),
  route({
    path: '/group/get_group_users_req_application_list',
    body: obj({ groupID: groupID(), userIDs: idList({ required: true }) }),
    response: RequestPage,
    handle: (ctx, body) => applications.ofUsers(ctx, body),
  }),
  route({
    path: '/group/get_group_application_unhandled_count',
    body: obj({ userID: userID(), time: int64({ min: 0 }) }),
    response: UnhandledCount,
    handle: (ctx, body) => applications.unhandledCount(ctx, body),
  }),
];
