// Storing notifications: the message OpenIM's notification sender builds for each, in n_ (and the
// chat copy in sg_), and who may read which of a notification conversation's seqs.

import { createHash, randomBytes } from 'node:crypto';
import type { GroupView, MessageRecord, NewMessage, UserRecord } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import {
  groupConversationID,
  groupNotificationID,
  MsgFrom,
  MsgStatus,
  SessionType,
  userNotificationID,
} from './conversation-ids.js';
import { closeGroupConversation, conversationRow, storeMessages } from './conversation-store.js';

/**
 * The options OpenIM's notification sender sets (config.GetOptionsByNotification at reliability
 * level 1), as the transfer leaves them on the notification once its copy is split off.
 */
const notificationOptions = (isSendMsg: boolean): Record<string, boolean> => ({
  isNotNotification: false,
  isSendMsg,
  history: false,
  persistent: false,
  offlinePush: false,
  unreadCount: false,
  conversationUpdate: false,
  senderSync: true,
  notPrivate: false,
  senderConversationUpdate: false,
  reactionFromCache: false,
});
/** The chat copy's options: every other flag absent (true), so it is kept and counted as unread. */
const COPY_OPTIONS = { offlinePush: false, unreadCount: true };

export interface Notice {
  contentType: number;
  tips: unknown;
  /** Also copied into sg_ (OpenIM's isSendMsg); group notifications only. */
  copy: boolean;
  /** A single user's notification (session type 1); otherwise the whole group's. */
  recvID?: string;
  /** OpenIM fills the sender's nickname and face for these (WithRpcGetUserName). */
  named?: boolean;
}

/** Who starts or stops reading the group's notifications with this change. */
export interface Readers {
  joiners?: readonly string[];
  leavers?: readonly string[];
}

const hex32 = () => randomBytes(16).toString('hex');

/** A notification as OpenIM's sender builds it (pkg/notification/msg.go). */
function notificationMessage(
  at: number,
  groupID: string,
  sendID: string,
  sender: UserRecord | undefined,
  n: Notice,
): NewMessage {
  const single = n.recvID !== undefined;
  const copied = !single && n.copy;
  return {
    serverMsgID: hex32(),
    clientMsgID: createHash('md5').update(`${sendID}${at}${hex32()}`).digest('hex'),
    sendID,
    recvID: n.recvID ?? groupID,
    groupID: single ? '' : groupID,
    senderPlatformID: 0,
    senderNickname: n.named ? (sender?.nickname ?? '') : '',
    senderFaceURL: n.named ? (sender?.faceURL ?? '') : '',
    sessionType: single ? SessionType.Single : SessionType.Group,
    msgFrom: MsgFrom.System,
    contentType: n.contentType,
    content: JSON.stringify({ detail: JSON.stringify(n.tips) }),
    sendTime: at,
    createTime: at,
    status: MsgStatus.Sent,
    options: notificationOptions(copied),
    offlinePushInfo: null,
    atUserIDList: [],
    attachedInfo: '',
    ex: '',
  };
}

/**
 * Stores the notices in order: the group's into n_ (and their copies into sg_), the single ones
 * into each receiver's n_ conversation with the operator. Joiners read the group's notifications
 * from this change's on, leavers up to and including it.
 */
export async function storeNotices(
  tx: Repos,
  at: number,
  group: GroupView,
  sendID: string,
  sender: UserRecord | undefined,
  notices: readonly Notice[],
  readers: Readers,
): Promise<MessageRecord[]> {
  const { groupID } = group;
  const messages = notices.map((n) => notificationMessage(at, groupID, sendID, sender, n));
  const stored: MessageRecord[] = [];
  const forGroup = messages.filter((m) => m.sessionType === SessionType.Group);
  if (forGroup.length > 0) {
    const conversationID = groupNotificationID(groupID);
    await openNotifications(tx, group, conversationID, readers, at);
    const saved = await storeMessages(tx, conversationID, forGroup, at);
    stored.push(...saved);
    const copies = forGroup.filter((m) => m.options.isSendMsg).map((m) => ({ ...m, options: { ...COPY_OPTIONS } }));
    if (copies.length > 0) stored.push(...(await storeMessages(tx, groupConversationID(groupID), copies, at)));
    const leavers = readers.leavers ?? [];
    if (leavers.length > 0)
      await tx.conversations.updateOwners(conversationID, leavers, { maxSeq: saved[saved.length - 1]!.seq });
  }
  // The leavers' chat too ends with what this change stored (their copy included).
  await closeGroupConversation(tx, groupID, readers.leavers ?? []);
  // In conversation-ID order, the order every transaction locks their counters in.
  const singles = messages
    .filter((x) => x.sessionType === SessionType.Single)
    .map((m) => ({ m, conversationID: userNotificationID(m.sendID, m.recvID) }))
    .sort((a, b) => (a.conversationID < b.conversationID ? -1 : a.conversationID > b.conversationID ? 1 : 0));
  for (const { m, conversationID } of singles) {
    await tx.conversations.insertMissing(
      [...new Set([m.sendID, m.recvID])].map((u) =>
        conversationRow(u, conversationID, {
          conversationType: SessionType.Single,
          userID: u === m.sendID ? m.recvID : m.sendID,
          createTime: at,
        }),
      ),
    );
    stored.push(...(await storeMessages(tx, conversationID, [m], at)));
  }
  return stored;
}

/**
 * Each reader's row of the group's notification conversation: on its first notification, every
 * member (and whoever is leaving with it) reads from seq 1; a joiner reads from the next seq on.
 */
async function openNotifications(tx: Repos, group: GroupView, conversationID: string, readers: Readers, at: number) {
  const [seqs] = await tx.messages.seqs([conversationID]);
  const row = (u: string, bounds: { hasReadSeq: number; minSeq: number }) =>
    conversationRow(u, conversationID, {
      conversationType: SessionType.Group,
      groupID: group.groupID,
      createTime: at,
      ...bounds,
    });
  if (!seqs) {
    const everyone = new Set([...(await tx.members.userIDs(group.groupID)), ...(readers.leavers ?? [])]);
    await tx.conversations.insertMissing([...everyone].map((u) => row(u, { hasReadSeq: 0, minSeq: 1 })));
    return;
  }
  const joiners = readers.joiners ?? [];
  if (joiners.length === 0) return;
  const bounds = { hasReadSeq: seqs.maxSeq, minSeq: seqs.maxSeq + 1 };
  const inserted = new Set(await tx.conversations.insertMissing(joiners.map((u) => row(u, bounds))));
  await tx.conversations.updateOwners(
    conversationID,
    joiners.filter((u) => !inserted.has(u)),
    { ...bounds, maxSeq: 0 },
  );
}
