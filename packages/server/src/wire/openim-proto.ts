// OpenIM's protobuf messages that huddle speaks: the /jssdk REST routes and the WebSocket gateway. Declared as descriptors for @bufbuild/protobuf (field numbers and types as in
// openimsdk/protocol's .proto files); values go in and come out as plain objects, 64-bit integers
// as JS numbers (seqs and millisecond times stay far below 2^53).

import { create, createFileRegistry, type DescMessage, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from '@bufbuild/protobuf/wkt';

const SCALARS: Record<string, Type> = {
  string: Type.STRING,
  bytes: Type.BYTES,
  bool: Type.BOOL,
  int32: Type.INT32,
  uint32: Type.UINT32,
  int64: Type.INT64,
  uint64: Type.UINT64,
};

/**
 * A field as its .proto line reads: `[14, 'seq', 'int64']`, `'repeated string'`, `'map<string,bool>'`,
 * `'.pkg.Message'`, `'map<string,.pkg.Message>'`. An enum field is written as int32 (the same varint).
 */
type FieldLine = readonly [number: number, name: string, type: string];

const scalar = (number: number, name: string, t: string) => {
  const type = SCALARS[t];
  if (type === undefined) throw new Error(`unknown protobuf type ${t}`);
  return { name, jsonName: name, number, label: Label.OPTIONAL, type };
};

/** A singular field of a scalar type or, written `.pkg.Message`, of a message type. */
const single = (number: number, name: string, t: string) =>
  t.startsWith('.')
    ? { name, jsonName: name, number, label: Label.OPTIONAL, type: Type.MESSAGE, typeName: t }
    : scalar(number, name, t);

/** A message's descriptor; a map field gets its nested `<Name>Entry` type, as protoc makes it. */
function message(pkg: string, name: string, fields: readonly FieldLine[]) {
  const nestedType: object[] = [];
  const field = fields.map(([number, fieldName, spec]) => {
    const repeated = spec.startsWith('repeated ');
    const base = repeated ? spec.slice('repeated '.length) : spec;
    const map = /^map<(\w+),(\.?[\w.]+)>$/.exec(base);
    if (map) {
      const entry = `${fieldName[0]!.toUpperCase()}${fieldName.slice(1)}Entry`;
      nestedType.push({
        name: entry,
        options: { mapEntry: true },
        field: [scalar(1, 'key', map[1]!), single(2, 'value', map[2]!)],
      });
      const typeName = `.${pkg}.${name}.${entry}`;
      return { name: fieldName, jsonName: fieldName, number, label: Label.REPEATED, type: Type.MESSAGE, typeName };
    }
    return { ...single(number, fieldName, base), label: repeated ? Label.REPEATED : Label.OPTIONAL };
  });
  return { name, field, nestedType };
}

type Messages = Record<string, readonly FieldLine[]>;

function file(path: string, pkg: string, dependency: string[], messages: Messages) {
  return create(FileDescriptorProtoSchema, {
    name: path,
    package: pkg,
    syntax: 'proto3',
    dependency,
    messageType: Object.entries(messages).map(([name, fields]) => message(pkg, name, fields)),
  });
}

/** Messages by conversation ID, chat conversations apart from notification (n_) ones. */
const pulledMsgs = [
  [1, 'msgs', 'map<string,.openim.sdkws.PullMsgs>'],
  [2, 'notificationMsgs', 'map<string,.openim.sdkws.PullMsgs>'],
] as const;

const SDKWS = {
  OfflinePushInfo: [
    [1, 'title', 'string'],
    [2, 'desc', 'string'],
    [3, 'ex', 'string'],
    [4, 'iOSPushSound', 'string'],
    [5, 'iOSBadgeCount', 'bool'],
    [6, 'signalInfo', 'string'],
  ],
  MsgData: [
    [1, 'sendID', 'string'],
    [2, 'recvID', 'string'],
    [3, 'groupID', 'string'],
    [4, 'clientMsgID', 'string'],
    [5, 'serverMsgID', 'string'],
    [6, 'senderPlatformID', 'int32'],
    [7, 'senderNickname', 'string'],
    [8, 'senderFaceURL', 'string'],
    [9, 'sessionType', 'int32'],
    [10, 'msgFrom', 'int32'],
    [11, 'contentType', 'int32'],
    [12, 'content', 'bytes'],
    [14, 'seq', 'int64'],
    [15, 'sendTime', 'int64'],
    [16, 'createTime', 'int64'],
    [17, 'status', 'int32'],
    [18, 'isRead', 'bool'],
    [19, 'options', 'map<string,bool>'],
    [20, 'offlinePushInfo', '.openim.sdkws.OfflinePushInfo'],
    [21, 'atUserIDList', 'repeated string'],
    [22, 'attachedInfo', 'string'],
    [23, 'ex', 'string'],
  ],
  UserInfo: [
    [1, 'userID', 'string'],
    [2, 'nickname', 'string'],
    [3, 'faceURL', 'string'],
    [4, 'ex', 'string'],
    [5, 'createTime', 'int64'],
    [6, 'appMangerLevel', 'int32'],
    [7, 'globalRecvMsgOpt', 'int32'],
  ],
  GroupInfo: [
    [1, 'groupID', 'string'],
    [2, 'groupName', 'string'],
    [3, 'notification', 'string'],
    [4, 'introduction', 'string'],
    [5, 'faceURL', 'string'],
    [6, 'ownerUserID', 'string'],
    [7, 'createTime', 'int64'],
    [8, 'memberCount', 'uint32'],
    [9, 'ex', 'string'],
    [10, 'status', 'int32'],
    [11, 'creatorUserID', 'string'],
    [12, 'groupType', 'int32'],
    [13, 'needVerification', 'int32'],
    [14, 'lookMemberInfo', 'int32'],
    [15, 'applyMemberFriend', 'int32'],
    [16, 'notificationUpdateTime', 'int64'],
    [17, 'notificationUserID', 'string'],
  ],
  // The WebSocket gateway's messages. `Msgs` is capitalised in the .proto, and the SDKs read it so.
  PullMsgs: [
    [1, 'Msgs', 'repeated .openim.sdkws.MsgData'],
    [2, 'isEnd', 'bool'],
    [3, 'endSeq', 'int64'],
  ],
  PushMessages: pulledMsgs,
  SeqRange: [
    [1, 'conversationID', 'string'],
    [2, 'begin', 'int64'],
    [3, 'end', 'int64'],
    [4, 'num', 'int64'],
  ],
  PullMessageBySeqsReq: [
    [1, 'userID', 'string'],
    [2, 'seqRanges', 'repeated .openim.sdkws.SeqRange'],
    // PullOrder: 0 ascending, 1 descending.
    [3, 'order', 'int32'],
  ],
  PullMessageBySeqsResp: pulledMsgs,
  GetMaxSeqReq: [[1, 'userID', 'string']],
  GetMaxSeqResp: [
    [1, 'maxSeqs', 'map<string,int64>'],
    [2, 'minSeqs', 'map<string,int64>'],
  ],
  SetAppBackgroundStatusReq: [
    [1, 'userID', 'string'],
    [2, 'isBackground', 'bool'],
  ],
  SetAppBackgroundStatusResp: [],
  SubUserOnlineStatus: [
    [1, 'subscribeUserID', 'repeated string'],
    [2, 'unsubscribeUserID', 'repeated string'],
  ],
  SubUserOnlineStatusElem: [
    [1, 'userID', 'string'],
    [2, 'onlinePlatformIDs', 'repeated int32'],
  ],
  SubUserOnlineStatusTips: [[1, 'subscribers', 'repeated .openim.sdkws.SubUserOnlineStatusElem']],
} as const satisfies Messages;

const MSG = {
  SendMsgResp: [
    [1, 'serverMsgID', 'string'],
    [2, 'clientMsgID', 'string'],
    [3, 'sendTime', 'int64'],
    // Only when a before-callback rewrote the message.
    [4, 'modify', '.openim.sdkws.MsgData'],
  ],
  // No field 1, as in msg.proto.
  ConversationSeqs: [
    [2, 'conversationID', 'string'],
    [3, 'seqs', 'repeated int64'],
  ],
  GetSeqMessageReq: [
    [1, 'userID', 'string'],
    [2, 'conversations', 'repeated .openim.msg.ConversationSeqs'],
    [3, 'order', 'int32'],
  ],
  GetSeqMessageResp: pulledMsgs,
  GetConversationsHasReadAndMaxSeqReq: [
    [1, 'userID', 'string'],
    [2, 'conversationIDs', 'repeated string'],
    [3, 'returnPinned', 'bool'],
  ],
  Seqs: [
    [1, 'maxSeq', 'int64'],
    [2, 'hasReadSeq', 'int64'],
    [3, 'maxSeqTime', 'int64'],
  ],
  GetConversationsHasReadAndMaxSeqResp: [
    [1, 'seqs', 'map<string,.openim.msg.Seqs>'],
    [2, 'pinnedConversationIDs', 'repeated string'],
  ],
  GetLastMessageReq: [
    [1, 'userID', 'string'],
    [2, 'conversationIDs', 'repeated string'],
  ],
  GetLastMessageResp: [[1, 'msgs', 'map<string,.openim.sdkws.MsgData>']],
} as const satisfies Messages;

const PUSH = {
  DelUserPushTokenReq: [
    [1, 'userID', 'string'],
    [2, 'platformID', 'int32'],
  ],
  DelUserPushTokenResp: [],
} as const satisfies Messages;

const CONVERSATION = {
  Conversation: [
    [1, 'ownerUserID', 'string'],
    [2, 'conversationID', 'string'],
    [3, 'recvMsgOpt', 'int32'],
    [4, 'conversationType', 'int32'],
    [5, 'userID', 'string'],
    [6, 'groupID', 'string'],
    [7, 'isPinned', 'bool'],
    [8, 'attachedInfo', 'string'],
    [9, 'isPrivateChat', 'bool'],
    [10, 'groupAtType', 'int32'],
    [11, 'ex', 'string'],
    [12, 'burnDuration', 'int32'],
    [13, 'minSeq', 'int64'],
    [14, 'maxSeq', 'int64'],
    [15, 'msgDestructTime', 'int64'],
    [16, 'latestMsgDestructTime', 'int64'],
    [17, 'isMsgDestruct', 'bool'],
  ],
} as const satisfies Messages;

// Field 4 of ConversationMsg (relation.FriendInfoOnly) is left out: huddle has no friends, and a
// decoder skips a field its descriptor lacks.
const conversationMsgs = [
  [1, 'unreadCount', 'int64'],
  [2, 'conversations', 'repeated .openim.jssdk.ConversationMsg'],
] as const;
const JSSDK = {
  ConversationMsg: [
    [1, 'conversation', '.openim.conversation.Conversation'],
    [2, 'lastMsg', '.openim.sdkws.MsgData'],
    [3, 'user', '.openim.sdkws.UserInfo'],
    [5, 'group', '.openim.sdkws.GroupInfo'],
    [6, 'maxSeq', 'int64'],
    [7, 'readSeq', 'int64'],
  ],
  GetActiveConversationsReq: [
    [1, 'ownerUserID', 'string'],
    [2, 'count', 'int64'],
  ],
  GetActiveConversationsResp: conversationMsgs,
  GetConversationsReq: [
    [1, 'ownerUserID', 'string'],
    [2, 'conversationIDs', 'repeated string'],
  ],
  GetConversationsResp: conversationMsgs,
} as const satisfies Messages;

const registry = createFileRegistry(
  create(FileDescriptorSetSchema, {
    file: [
      file('sdkws/sdkws.proto', 'openim.sdkws', [], SDKWS),
      file('conversation/conversation.proto', 'openim.conversation', [], CONVERSATION),
      file('jssdk/jssdk.proto', 'openim.jssdk', ['sdkws/sdkws.proto', 'conversation/conversation.proto'], JSSDK),
      file('msg/msg.proto', 'openim.msg', ['sdkws/sdkws.proto'], MSG),
      file('push/push.proto', 'openim.push', [], PUSH),
    ],
  }),
);

// The plain shapes, read off the tables above: every scalar, list and map present after a decode
// (zero values filled in), nested messages only when the bytes had them.

interface Packages {
  'openim.sdkws': typeof SDKWS;
  'openim.conversation': typeof CONVERSATION;
  'openim.jssdk': typeof JSSDK;
  'openim.msg': typeof MSG;
  'openim.push': typeof PUSH;
}

/** Each message huddle encodes or decodes, by its full protobuf name. */
export type OpenIMMessageName = { [P in keyof Packages]: `${P}.${keyof Packages[P] & string}` }[keyof Packages];

type LinesOf<N extends OpenIMMessageName> = {
  [P in keyof Packages]: N extends `${P}.${infer M extends keyof Packages[P] & string}` ? Packages[P][M] : never;
}[keyof Packages] &
  readonly FieldLine[];

interface Scalars {
  string: string;
  bytes: Uint8Array;
  bool: boolean;
  int32: number;
  uint32: number;
  int64: number;
  uint64: number;
}

type ValueOf<T> = T extends `repeated ${infer B}`
  ? ValueOf<B>[]
  : T extends `map<string,${infer V extends keyof Scalars}>`
    ? Record<string, Scalars[V]>
    : T extends `map<string,.${infer N extends OpenIMMessageName}>`
      ? Record<string, OpenIMMessage<N>>
      : T extends keyof Scalars
        ? Scalars[T]
        : T extends `.${infer N extends OpenIMMessageName}`
          ? OpenIMMessage<N>
          : never;

type Line<N extends OpenIMMessageName> = LinesOf<N>[number];

/** A message as a plain object, e.g. `OpenIMMessage<'openim.sdkws.MsgData'>`. */
export type OpenIMMessage<N extends OpenIMMessageName> = {
  [L in Line<N> as L[2] extends `.${string}` ? never : L[1]]: ValueOf<L[2]>;
} & {
  [L in Line<N> as L[2] extends `.${string}` ? L[1] : never]?: ValueOf<L[2]> | undefined;
};

const descriptor = (name: OpenIMMessageName): DescMessage => {
  const desc = registry.getMessage(name);
  if (!desc) throw new Error(`no protobuf message ${name}`);
  return desc;
};

/** The message's binary form; 64-bit fields take JS numbers, absent keys are zero values. */
export function encode<N extends OpenIMMessageName>(name: N, value: Partial<OpenIMMessage<N>>): Uint8Array {
  const desc = descriptor(name);
  return toBinary(desc, create(desc, value as never));
}

/** Reads a binary message; throws on bytes that are not one. */
export function decode<N extends OpenIMMessageName>(name: N, bytes: Uint8Array): OpenIMMessage<N> {
  return plain(fromBinary(descriptor(name), bytes)) as OpenIMMessage<N>;
}

/** bigint to number, and no `$typeName` or `$unknown` (fields the descriptor lacks), all the way down. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = plain(v);
  return out;
}
