// OpenIM's group notifications: what each group change tells whom, stored in the change's own
// transaction. Group-wide ones go to `n_<groupID>` (session type 3, recvID the group) and, for the
// types OpenIM's config/notification.yml marks isSendMsg, are copied into `sg_<groupID>` as a
// message that counts as unread. Join applications and their answers go to single users, in the
// `n_<operator>_<receiver>` conversation (session type 1).

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { GroupView, MemberRecord, MessageRecord, NewMessage, UserRecord } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import { Role, type DomainDeps, type OpContext } from './context.js';
import {
  groupConversationID,
  groupNotificationID,
  MsgFrom,
  MsgStatus,
  SessionType,
  userNotificationID,
} from './conversation-ids.js';
import { closeGroupConversation, conversationRow, storeMessages } from './conversation-store.js';
import type { GroupChange } from './group-changes.js';
import * as tips from './group-tips.js';
import { publicUserInfo } from './views.js';

/** OpenIM's notification content types (protocol constant.*Notification). */
export const NotificationType = {
  GroupCreated: 1501,
  GroupInfoSet: 1502,
  JoinGroupApplication: 1503,
  MemberQuit: 1504,
  GroupApplicationAccepted: 1505,
  GroupApplicationRejected: 1506,
  GroupOwnerTransferred: 1507,
  MemberKicked: 1508,
  MemberInvited: 1509,
  MemberEnter: 1510,
  GroupDismissed: 1511,
  GroupMemberMuted: 1512,
  GroupMemberCancelMuted: 1513,
  GroupMuted: 1514,
  GroupCancelMuted: 1515,
  GroupMemberInfoSet: 1516,
  GroupMemberSetToAdmin: 1517,
  GroupMemberSetToOrdinaryUser: 1518,
  GroupInfoSetAnnouncement: 1519,
  GroupInfoSetName: 1520,
} as const;
const T = NotificationType;

/** isSendMsg in OpenIM's config/notification.yml: these are also copied into the group's chat. */
const COPIED = new Set<number>([
  T.GroupCreated,
  T.MemberQuit,
  T.GroupOwnerTransferred,
  T.MemberKicked,
  T.MemberInvited,
  T.MemberEnter,
  T.GroupDismissed,
  T.GroupMemberMuted,
  T.GroupMemberCancelMuted,
  T.GroupMuted,
  T.GroupCancelMuted,
  T.GroupInfoSetAnnouncement,
  T.GroupInfoSetName,
]);

/** OpenIM invites in batches of 50, one MemberInvited notification each. */
const INVITED_PER_NOTIFICATION = 50;

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

interface Notice {
  contentType: number;
  tips: unknown;
  /** Copied into sg_; OpenIM's config unless the operation overrides it. */
  copy?: boolean;
  /** A single user's notification (session type 1); otherwise the whole group's. */
  recvID?: string;
  /** OpenIM fills the sender's nickname and face for these (WithRpcGetUserName). */
  named?: boolean;
}

/** Who starts or stops reading the group's notifications with this change. */
interface Readers {
  joiners?: readonly string[];
  leavers?: readonly string[];
}

export type NotificationDeps = Pick<DomainDeps, 'now' | 'onMessages'>;

const hex32 = () => randomBytes(16).toString('hex');

/** Builds a change's notifications from what the transaction now holds, and stores them. */
export async function notifyGroupChange(tx: Repos, deps: NotificationDeps, ctx: OpContext, change: GroupChange) {
  const { groupID } = change;
  const group = await tx.groups.get(groupID);
  if (!group) return;
  const at = deps.now();
  const op = ctx.caller;
  const profiles = new Map<string, UserRecord | undefined>();
  /** Reads the profiles not read yet, in one query. */
  const preload = async (ids: readonly string[]) => {
    const missing = [...new Set(ids)].filter((id) => !profiles.has(id));
    if (missing.length === 0) return;
    const found = new Map((await tx.users.find(missing)).map((u) => [u.userID, u]));
    for (const id of missing) profiles.set(id, found.get(id));
  };
  const user = async (id: string) => {
    await preload([id]);
    return profiles.get(id);
  };
  const head = await tx.syncLog.head('group_members', groupID);
  const v: tips.MemberVersion = { groupMemberVersion: head?.version ?? 0, groupMemberVersionID: head?.versionID ?? '' };
  const g = tips.tipsGroup(group);
  const opUser = tips.opUserInfo(groupID, op, await tx.members.get(groupID, op.userID), await user(op.userID));
  const member = async (m: MemberRecord) => tips.tipsMember(m, await user(m.userID));
  const members = async (ids: readonly string[]) => {
    const found = new Map((await tx.members.find(groupID, ids)).map((m) => [m.userID, m]));
    await preload(ids);
    return Promise.all(ids.flatMap((id) => (found.has(id) ? [member(found.get(id)!)] : [])));
  };
  let managerIDs: string[] | undefined;
  const managers = async () => {
    managerIDs ??= (await tx.members.find(groupID, await tx.members.userIDs(groupID)))
      .filter((m) => m.roleLevel === Role.Owner || m.roleLevel === Role.Admin)
      .map((m) => m.userID);
    return managerIDs;
  };

  /** 1505/1506 to the group's managers (receiverAs 1) and the applicant (receiverAs 0). */
  const answered = async (userID: string, accepted: boolean): Promise<Notice[]> => {
    const request = await tx.requests.get(groupID, userID);
    if (!request) return [];
    const req = tips.tipsRequest(request, await user(userID));
    const uuid = randomUUID();
    const contentType = accepted ? T.GroupApplicationAccepted : T.GroupApplicationRejected;
    return [...new Set([...(await managers()), userID])].map((recvID) => ({
      contentType,
      recvID,
      tips: tips.applicationAnsweredTips(g, opUser, request.handleMsg, recvID === userID ? 0 : 1, uuid, req),
    }));
  };

  let notices: Notice[] = [];
  let readers: Readers = {};
  switch (change.kind) {
    case 'created': {
      const list = await members(change.memberIDs);
      const owner = list.find((m) => m.roleLevel === Role.Owner) ?? null;
      notices.push({
        contentType: T.GroupCreated,
        tips: tips.groupCreatedTips(g, opUser, list, group.createTime, owner, v),
      });
      if (group.notification !== '')
        notices.push({
          contentType: T.GroupInfoSetAnnouncement,
          tips: tips.groupInfoFieldTips(opUser, g, v),
          named: true,
        });
      break;
    }
    case 'infoSet': {
      const stamp = new Set(['notification', 'notificationUpdateTime', 'notificationUserID', 'groupName']);
      if (change.changed.includes('notification'))
        notices.push({
          contentType: T.GroupInfoSetAnnouncement,
          tips: tips.groupInfoFieldTips(opUser, g, v),
          // OpenIM sends a cleared announcement without its chat copy.
          copy: group.notification !== '',
          named: true,
        });
      if (change.changed.includes('groupName'))
        notices.push({ contentType: T.GroupInfoSetName, tips: tips.groupInfoFieldTips(opUser, g, v) });
      if (change.changed.some((k) => !stamp.has(k)))
        notices.push({ contentType: T.GroupInfoSet, tips: tips.groupInfoSetTips(opUser, g, v), named: true });
      break;
    }
    case 'muted':
    case 'unmuted':
      notices.push({
        contentType: change.kind === 'muted' ? T.GroupMuted : T.GroupCancelMuted,
        tips: tips.groupMutedTips(g, opUser, at, v),
      });
      break;
    case 'applied':
      for (const userID of change.userIDs) {
        const request = await tx.requests.get(groupID, userID);
        if (!request) continue;
        // OpenIM names as applicant the user of JoinGroupReq.inviterUserID: the applicant when
        // applying, the inviter when an invitation became an application.
        const applicantID = request.inviterUserID || userID;
        const t = tips.joinGroupApplicationTips(
          g,
          publicUserInfo(applicantID, await user(applicantID)),
          request.reqMsg,
          randomUUID(),
          tips.tipsRequest(request, await user(userID)),
        );
        for (const recvID of new Set([...(await managers()), applicantID, op.userID]))
          notices.push({ contentType: T.JoinGroupApplication, recvID, tips: t });
      }
      break;
    case 'applicationAnswered':
      notices = await answered(change.userID, change.accepted);
      break;
    case 'joined': {
      readers = { joiners: change.userIDs };
      const joined = await members(change.userIDs);
      if (change.via === 'accepted') {
        notices.push(...(await answered(change.userIDs[0]!, true)));
        const inviter = (await tx.requests.get(groupID, change.userIDs[0]!))?.inviterUserID ?? '';
        if (inviter !== '') {
          const inviterUser = tips.opUserInfo(
            groupID,
            { userID: inviter, isAppAdmin: false },
            await tx.members.get(groupID, inviter),
            await user(inviter),
          );
          notices.push({
            contentType: T.MemberInvited,
            tips: tips.memberInvitedTips(g, opUser, joined, at, v, inviterUser),
          });
          break;
        }
      }
      if (change.via === 'invited') {
        for (let i = 0; i < joined.length; i += INVITED_PER_NOTIFICATION) {
          const batch = joined.slice(i, i + INVITED_PER_NOTIFICATION);
          notices.push({ contentType: T.MemberInvited, tips: tips.memberInvitedTips(g, opUser, batch, at, v, opUser) });
        }
        break;
      }
      for (const m of joined) notices.push({ contentType: T.MemberEnter, tips: tips.memberEnterTips(g, m, at, v) });
      break;
    }
    case 'left': {
      readers = { leavers: change.members.map((m) => m.userID) };
      await preload(change.members.map((m) => m.userID));
      const left = await Promise.all(change.members.map(member));
      if (change.via === 'quit')
        for (const m of left) notices.push({ contentType: T.MemberQuit, tips: tips.memberQuitTips(g, m, at, v) });
      else notices.push({ contentType: T.MemberKicked, tips: tips.memberKickedTips(g, opUser, left, at, v) });
      break;
    }
    case 'ownerTransferred': {
      const [newOwner] = await members([change.newOwnerUserID]);
      const [oldOwner] = await members([change.oldOwnerUserID]);
      if (!newOwner || !oldOwner) break;
      notices.push({
        contentType: T.GroupOwnerTransferred,
        tips: tips.ownerTransferredTips(g, opUser, newOwner, change.oldOwnerUserID, at, oldOwner, v),
      });
      break;
    }
    case 'dismissed':
      readers = { leavers: change.membersDeleted ? change.memberIDs : [] };
      notices.push({ contentType: T.GroupDismissed, tips: tips.groupDismissedTips(g, opUser, at) });
      break;
    case 'memberMuted':
    case 'memberUnmuted': {
      const [muted] = await members([change.userID]);
      if (!muted) break;
      const seconds = change.kind === 'memberMuted' ? change.mutedSeconds : undefined;
      notices.push({
        contentType: change.kind === 'memberMuted' ? T.GroupMemberMuted : T.GroupMemberCancelMuted,
        tips: tips.memberMutedTips(g, opUser, at, muted, seconds, v),
      });
      break;
    }
    case 'membersSet':
      for (const set of change.set) {
        const [changed] = await members([set.userID]);
        if (!changed) continue;
        const t = tips.memberInfoSetTips(g, opUser, at, changed, v);
        if (set.roleLevel === Role.Admin) notices.push({ contentType: T.GroupMemberSetToAdmin, tips: t });
        if (set.roleLevel === Role.Member) notices.push({ contentType: T.GroupMemberSetToOrdinaryUser, tips: t });
        if (set.profile) notices.push({ contentType: T.GroupMemberInfoSet, tips: t });
      }
      break;
  }
  const sender = await user(op.userID);
  const stored = await storeNotices(tx, at, group, op.userID, sender, notices, readers);
  if (stored.length > 0) tx.afterCommit(() => deps.onMessages?.(stored));
}

/** A notification as OpenIM's sender builds it (pkg/notification/msg.go). */
function notificationMessage(
  at: number,
  groupID: string,
  sendID: string,
  sender: UserRecord | undefined,
  n: Notice,
): NewMessage {
  const single = n.recvID !== undefined;
  const copied = !single && (n.copy ?? COPIED.has(n.contentType));
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
async function storeNotices(
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
