// The `data` of the routes' answers, each shape declared once (the views of single records are in
// domain/views.ts and @huddle/protocol). Route declarations name these; the API document shows them.

import { GroupInfo, view, type View } from '@huddle/protocol';
import { CMSGroup, GroupAbstractInfo, MemberInfo, MembersDelta, RequestInfo, UserInfo } from '../domain/views.js';

/** An empty success: the envelope carries no `data` key at all (as OpenIM answers). */
export const NO_DATA = view.schemaView<void>({
  not: {},
  description: 'none: a success without data leaves the key out',
});

/**
 * invite_user_to_group: OpenIM's empty success, unless the business server refused some invitees
 * (beforeInviteUserToGroup's refusedMembersAccount, which OpenIM ignores): then which ones.
 */
export const InviteResult = view.schemaView<{ refusedUserIDs: string[] } | undefined>({
  description:
    'none when every invitee was let in (as OpenIM answers); when beforeInviteUserToGroup refused some, the others joined (or applied) and refusedUserIDs names them',
  anyOf: [
    { not: {} },
    {
      type: 'object',
      properties: { refusedUserIDs: { type: 'array', items: { type: 'string' } } },
      required: ['refusedUserIDs'],
      additionalProperties: false,
    },
  ],
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
export const UserPage = view.paged('users', UserInfo);

/** OpenIM's GetUsersOnlineStatusResp_SuccessResult list: every user asked for, in order. */
export const UsersOnlineStatus = view.array(
  view.object(
    {
      userID: view.string(),
      status: view.integer('1 online (a connection on a live instance), 0 offline'),
      detailPlatformStatus: view.array(
        view.object({
          platformID: view.integer(),
          connID: view.string(),
          isBackground: view.boolean(),
          token: view.string('always "": huddle keeps only a hash of each token'),
        }),
      ),
    },
    'UserOnlineStatus',
  ),
);

export const CreatedGroup = view.object({ groupInfo: GroupInfo });

export const GroupInfos = view.object({ groupInfos: view.array(GroupInfo) });

export const JoinedGroups = view.paged('groups', GroupInfo);

export const MemberPage = view.paged('members', MemberInfo);

export const MembersInfo = view.object({ members: view.array(MemberInfo) });

export const MemberUserIDs = view.object({ userIDs: view.array(view.string()) });

/** The three join-request inboxes answer alike. */
export const RequestPage = view.paged('groupRequests', RequestInfo);

/** The answer of the get_full_*_ids routes: the IDs, or null when the client's idHash says it has them. */
export const fullIDs = <K extends string>(key: K) =>
  view.object({
    version: view.integer(),
    versionID: view.string(),
    equal: view.boolean('the idHash sent is that of these IDs'),
    ...({ [key]: view.nullable(view.array(view.string()), 'null when equal') } as { [P in K]: View<string[] | null> }),
  });

export const MembersDeltas = view.object({ respList: view.record(MembersDelta, 'by groupID') });

export const CMSGroupPage = view.paged('groups', CMSGroup);

export const GroupAbstractInfos = view.object({ groupAbstractInfos: view.array(GroupAbstractInfo) });

export const UnhandledCount = view.object({ count: view.integer() });

/** A list huddle never fills (it keeps no friends). */
export const alwaysEmpty = view.schemaView<never[]>({ type: 'array', maxItems: 0, description: 'always empty' });

export const FriendsDelta = view.object({
  version: view.integer(),
  versionID: view.string(),
  full: view.boolean(),
  delete: alwaysEmpty,
  insert: alwaysEmpty,
  update: alwaysEmpty,
  sortVersion: view.integer(),
});

export const FriendIDs = view.object({
  version: view.integer(),
  versionID: view.string(),
  equal: view.boolean(),
  userIDs: view.schemaView<never[] | null>({ type: ['array', 'null'], maxItems: 0, description: 'null when equal' }),
});

export const FriendPage = view.object({ total: view.integer(), friendsInfo: alwaysEmpty });

export const DesignatedFriends = view.object({ friendsInfo: alwaysEmpty });

export const BlackPage = view.object({ total: view.integer(), blacks: alwaysEmpty });

/** /stats/get_activity's data. */
export const Activity = view.object({
  from: view.integer(),
  to: view.integer(),
  bucketMs: view.integer(),
  usersOnline: view.integer('users with a connection to a live instance now'),
  connectionsOnline: view.integer(),
  messages: view.array(
    view.object({
      time: view.integer('Unix milliseconds the bucket starts at'),
      count: view.integer('messages stored'),
    }),
  ),
});
