// OpenIM's /jssdk routes: the conversation list the JS SDK loads on login. The SDK sends them as
// protobuf (Content-Type application/x-protobuf) and reads `data` as base64 protobuf; with JSON
// they take and answer JSON, as on OpenIM.

import { arr, int64, LIMITS, obj, str, type ViewType } from '@huddle/protocol';
import type { ConversationsWithMessages } from '../../domain/active-conversations.js';
import type { OpContext } from '../../domain/context.js';
import type { Services } from '../../domain/index.js';
import { msgDataWith } from '../../gateway/msg-data.js';
import { decode, encode, type OpenIMMessageName } from '../../wire/openim-proto.js';
import { ConversationMsgs } from '../conversation-views.js';
import { route } from '../route.js';
import { msgData } from './messages.js';

/** The JSON answer: MsgData as OpenIM's REST renders it (content as base64); huddle has no friends. */
const asJson = (r: ConversationsWithMessages): ViewType<typeof ConversationMsgs> => ({
  unreadCount: r.unreadCount,
  conversations: r.conversations.map((c) => ({
    conversation: c.conversation,
    lastMsg: msgData(c.lastMsg),
    user: c.user,
    friend: null,
    group: c.group,
    maxSeq: c.maxSeq,
    readSeq: c.readSeq,
  })),
});

/** A route's request and answer in protobuf: the answer is the JSON one, its content bytes again. */
const protobuf = (request: OpenIMMessageName, answer: 'GetActiveConversationsResp' | 'GetConversationsResp') => ({
  decode: (body: Uint8Array) => decode(request, body),
  encode: (data: unknown) => {
    const { unreadCount, conversations } = data as ViewType<typeof ConversationMsgs>;
    return encode(`openim.jssdk.${answer}`, {
      unreadCount,
      conversations: conversations.map(({ lastMsg, user, group, friend: _, ...c }) => ({
        ...c,
        lastMsg: msgDataWith(lastMsg, Buffer.from(lastMsg.content, 'base64')),
        user: user ?? undefined,
        group: group ?? undefined,
      })),
    });
  },
});

/** OpenIM reads the token's user; naming another is for app admins (checked by the service). */
const ownerOf = (ctx: OpContext, named: string) => named || ctx.caller.userID;

const ownerUserID = () => str({ max: LIMITS.id });

export const jssdkRoutes = ({ conversations }: Services) => [
  route({
    path: '/jssdk/get_active_conversations',
    body: obj({ ownerUserID: ownerUserID(), count: int64() }),
    protobuf: protobuf('openim.jssdk.GetActiveConversationsReq', 'GetActiveConversationsResp'),
    response: ConversationMsgs,
    handle: async (ctx, b) => asJson(await conversations.active(ctx, ownerOf(ctx, b.ownerUserID), b.count)),
  }),
  route({
    path: '/jssdk/get_conversations',
    body: obj({
      ownerUserID: ownerUserID(),
      conversationIDs: arr(str({ max: 2 * LIMITS.id + 3, required: true }), { max: LIMITS.list }),
    }),
    protobuf: protobuf('openim.jssdk.GetConversationsReq', 'GetConversationsResp'),
    response: ConversationMsgs,
    handle: async (ctx, b) =>
      asJson(await conversations.withLastMessages(ctx, ownerOf(ctx, b.ownerUserID), b.conversationIDs)),
  }),
];
