// OpenIM's /conversation routes.

import { arr, int, LIMITS, obj, optBool, optInt, optStr, str, userID } from '@huddle/protocol';
import type { Services } from '../../domain/index.js';
import { NO_DATA } from '../responses.js';
import { route } from '../route.js';

export const conversationRoutes = ({ conversations }: Services) => [
  route({
    path: '/conversation/set_conversations',
    body: obj({
      userIDs: arr(userID(), { max: LIMITS.list, nonEmpty: true }),
      conversation: obj({
        conversationID: str({ max: 2 * LIMITS.id + 3, required: true }),
        conversationType: int({ min: 1 }),
        userID: str({ max: LIMITS.id }),
        groupID: str({ max: LIMITS.id }),
        recvMsgOpt: optInt({ min: 0, max: 2 }),
        isPinned: optBool(),
        attachedInfo: optStr({ max: LIMITS.ex }),
        isPrivateChat: optBool(),
        ex: optStr({ max: LIMITS.ex }),
        burnDuration: optInt({ min: 0 }),
        groupAtType: optInt({ min: 0 }),
      }),
    }),
    response: NO_DATA,
    handle: async (ctx, { userIDs, conversation: c }) => {
      const { conversationID, conversationType, userID: peer, groupID, ...patch } = c;
      await conversations.set(ctx, userIDs, { conversationID, conversationType, userID: peer, groupID, patch });
    },
  }),
];
