// OpenIM's group notifications: what each group change tells whom, stored in the change's own
// transaction. Group-wide ones go to `n_<groupID>` (session type 3, recvID the group) and, for the
// types OpenIM's config/notification.yml marks isSendMsg, are copied into `sg_<groupID>` as a
// message that counts as unread. Join applications and their answers go to single users, in the
// `n_<operator>_<receiver>` conversation (session type 1).

import { randomUUID } from 'node:crypto';
import type { MemberRecord, UserRecord } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import { Role, type DomainDeps, type OpContext } from './context.js';
import type { GroupChange } from './group-change.js';
import * as tips from './group-tips.js';
import { type Notice, type Readers, storeNotices } from './notification-store.js';
import { publicUserInfo } from './views.js';

/** A notice before its copy is decided: OpenIM's config unless the operation overrides it. */
type Draft = Omit<Notice, 'copy'> & { copy?: boolean };

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

export type NotificationDeps = Pick<DomainDeps, 'now' | 'onMessages'>;

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
  const answered = async (userID: string, accepted: boolean): Promise<Draft[]> => {
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

  let notices: Draft[] = [];
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
  const decided = notices.map((n) => ({ ...n, copy: n.copy ?? COPIED.has(n.contentType) }));
  const stored = await storeNotices(tx, at, group, op.userID, sender, decided, readers);
  if (stored.length > 0) tx.afterCommit(() => deps.onMessages?.(stored, ctx.operationID));
}
