// Shapes that appear both in the REST API and in callback bodies (OpenIM's sdkws messages).

import * as view from './view.js';
import type { ViewType } from './view.js';

/** OpenIM's GroupInfo: every field always present, in OpenIM's order, times in milliseconds. */
export const GroupInfo = view.object(
  {
    groupID: view.string(),
    groupName: view.string(),
    notification: view.string(),
    introduction: view.string(),
    faceURL: view.string(),
    ownerUserID: view.string(),
    createTime: view.integer(),
    memberCount: view.integer(),
    ex: view.string(),
    status: view.integer(),
    creatorUserID: view.string(),
    groupType: view.integer(),
    needVerification: view.integer(),
    lookMemberInfo: view.integer(),
    applyMemberFriend: view.integer(),
    notificationUpdateTime: view.integer(),
    notificationUserID: view.string(),
  },
  'GroupInfo',
);
export type GroupInfo = ViewType<typeof GroupInfo>;

/** Copies exactly the GroupInfo fields, in OpenIM's order, from anything that has them. */
export const pickGroupInfo = (g: GroupInfo): GroupInfo => view.pick(GroupInfo, g);

export const Role = { Owner: 100, Admin: 60, Member: 20 } as const;
