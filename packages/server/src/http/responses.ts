// The `data` of the routes' answers, each shape declared once (the views of single records are in
// domain/views.ts and @huddle/protocol). Route declarations name these; the API document shows them.

import { GroupInfo, view } from '@huddle/protocol';
import { MemberInfo, RequestInfo, UserInfo } from '../domain/views.js';

/** An empty success: the envelope carries no `data` key at all (as OpenIM answers). */
export const NO_DATA = view.schemaView<void>({
  not: {},
  description: 'none: a success without data leaves the key out',
});

export const IssuedToken = view.object({
  token: view.string(),
  expireTimeSeconds: view.integer('how long the token is valid, in seconds'),
});

export const ParsedToken = view.object({
  userID: view.string(),
  platformID: view.integer(),
  expireTimeSeconds: view.integer('when the token expires, in Unix seconds'),
});

export const UsersInfo = view.object({ usersInfo: view.array(UserInfo) });

export const CreatedGroup = view.object({ groupInfo: GroupInfo });

export const GroupInfos = view.object({ groupInfos: view.array(GroupInfo) });

export const JoinedGroups = view.paged('groups', GroupInfo);

export const MemberPage = view.paged('members', MemberInfo);

export const MembersInfo = view.object({ members: view.array(MemberInfo) });

export const MemberUserIDs = view.object({ userIDs: view.array(view.string()) });

/** The three join-request inboxes answer alike. */
export const RequestPage = view.paged('groupRequests', RequestInfo);
