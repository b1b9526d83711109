// A business server's side of huddle's callbacks, shared by the four examples (one per adapter).
// huddle's endpoints point here: OpenIM's dialect with signingSecret, Tencent's with sdkAppId and
// token (and the same signingSecret). Every callback is verified, deduplicated by webhook-id and
// answered in its endpoint's dialect; hooks without a handler are acknowledged.

import { allow, createReceiver, modify, reject } from '@huddle/receiver';

const env = process.env;
export const receiver = createReceiver({
  openim: { signingSecret: env.HUDDLE_SIGNING_SECRET! },
  tencent: { sdkAppId: env.TENCENT_SDKAPPID!, token: env.TENCENT_TOKEN!, signingSecret: env.HUDDLE_SIGNING_SECRET! },
});

// Before-callbacks decide: no gambling groups, no bots invited, member changes reviewed.
receiver.on('beforeCreateGroup', (e) => {
  const name = e.dialect === 'openim' ? e.body.groupName : e.body.Name;
  return /casino/i.test(name) ? reject(5001, 'group names may not advertise gambling') : allow();
});
receiver.on('beforeInviteUserToGroup', (e) => {
  const invited =
    e.dialect === 'openim' ? e.body.invitedUserIDs : e.body.DestinationMembers.map((m) => m.Member_Account);
  return modify({ refusedMembersAccount: invited.filter((id) => id.startsWith('bot')) });
});
receiver.on('beforeSetGroupMemberInfo', () => modify({ ex: 'reviewed' }));

// After-callbacks inform, once per event even when huddle delivers it again.
const audit = (e: { dialect: string; hook: string; id: string }) =>
  console.log(`callback ${e.dialect} ${e.hook} ${e.id}`);
receiver
  .on('afterCreateGroup', audit)
  .on('afterMemberJoinGroup', audit)
  .on('afterJoinGroup', audit)
  .on('afterGroupFull', audit);
receiver
  .on('afterQuitGroup', audit)
  .on('afterKickGroupMember', audit)
  .on('afterDismissGroup', audit)
  .on('afterTransferGroupOwner', audit);
receiver.on('afterSetGroupInfo', audit).on('afterSetGroupInfoEx', audit).on('afterSetGroupMemberInfo', audit);
