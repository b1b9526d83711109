// Shapes that appear both in the REST API and in callback bodies (OpenIM's sdkws messages).

/** OpenIM's GroupInfo: every field always present, times in milliseconds. */
export interface GroupInfo {
  groupID: string;
  groupName: string;
  notification: string;
  introduction: string;
  faceURL: string;
  ownerUserID: string;
  createTime: number;
  memberCount: number;
  ex: string;
  status: number;
  creatorUserID: string;
  groupType: number;
  needVerification: number;
  lookMemberInfo: number;
  applyMemberFriend: number;
  notificationUpdateTime: number;
  notificationUserID: string;
}

export const GROUP_INFO_FIELDS = [
  'groupID', 'groupName', 'notification', 'introduction', 'faceURL', 'ownerUserID', 'createTime', 'memberCount', 'ex',
  'status', 'creatorUserID', 'groupType', 'needVerification', 'lookMemberInfo', 'applyMemberFriend',
  'notificationUpdateTime', 'notificationUserID',
] as const satisfies readonly (keyof GroupInfo)[];

/** Copies exactly the GroupInfo fields, in OpenIM's order, from anything that has them. */
export function pickGroupInfo(g: GroupInfo): GroupInfo {
  const out = {} as Record<string, unknown>;
  for (const k of GROUP_INFO_FIELDS) out[k] = g[k];
  return out as unknown as GroupInfo;
}

export const Role = { Owner: 100, Admin: 60, Member: 20 } as const;
