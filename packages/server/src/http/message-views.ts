// The answers of the /msg routes, as OpenIM renders them over REST (encoding/json of its protobuf
// structs: MsgData's content bytes are base64; PullMsgs keeps its capital `Msgs`).

import { view } from '@huddle/protocol';

const OfflinePushInfo = view.object(
  {
    title: view.string(),
    desc: view.string(),
    ex: view.string(),
    iOSPushSound: view.string(),
    iOSBadgeCount: view.boolean(),
    signalInfo: view.string(),
  },
  'OfflinePushInfo',
);

export const MsgData = view.object(
  {
    sendID: view.string(),
    recvID: view.string(),
    groupID: view.string(),
    clientMsgID: view.string(),
    serverMsgID: view.string(),
    senderPlatformID: view.integer(),
    senderNickname: view.string(),
    senderFaceURL: view.string(),
    sessionType: view.integer('1 one-to-one, 3 group'),
    msgFrom: view.integer('100 a user, 200 the system'),
    contentType: view.integer(),
    content: view.string('the content (JSON text) as base64, as OpenIM renders bytes'),
    seq: view.integer('1, 2, 3 … in its conversation; 0 for a message only pushed'),
    sendTime: view.integer(),
    createTime: view.integer(),
    status: view.integer('2 sent, 4 deleted (a placeholder for a seq that is gone)'),
    options: view.record(view.boolean(), 'flags; a missing key means true'),
    offlinePushInfo: view.nullable(OfflinePushInfo),
    atUserIDList: view.array(view.string()),
    attachedInfo: view.string(),
    ex: view.string(),
  },
  'MsgData',
);

export const SentMsg = view.object(
  {
    serverMsgID: view.string(),
    clientMsgID: view.string(),
    sendTime: view.integer(),
    seq: view.integer("the message's seq in its conversation (not in OpenIM's answer); 0 when only pushed"),
    modify: MsgData,
  },
  undefined,
  ['modify'],
);

export const NewestSeqs = view.object({
  maxSeqs: view.record(view.integer(), 'conversation ID -> newest seq the user may read'),
  minSeqs: view.record(view.integer(), 'conversation ID -> oldest seq the user may read'),
});

const PullMsgs = view.object({ Msgs: view.array(MsgData), isEnd: view.boolean(), endSeq: view.integer() }, 'PullMsgs');

export const PulledMsgs = view.object({
  msgs: view.record(PullMsgs, 'chat conversations'),
  notificationMsgs: view.record(PullMsgs, 'notification conversations (n_…)'),
});

export const HasReadAndMaxSeqs = view.object({
  seqs: view.record(
    view.object({ maxSeq: view.integer(), hasReadSeq: view.integer(), maxSeqTime: view.integer() }, 'Seqs'),
  ),
  pinnedConversationIDs: view.array(view.string()),
});
