import type { Services } from '../../domain/index.js';
import type { Route } from '../route.js';
import { applicationRoutes } from './applications.js';
import { authRoutes } from './auth.js';
import { conversationRoutes } from './conversations.js';
import { friendRoutes } from './friends.js';
import { groupSyncRoutes } from './group-sync.js';
import { groupRoutes } from './groups.js';
import { jssdkRoutes } from './jssdk.js';
import { memberRoutes } from './members.js';
import { messageRoutes } from './messages.js';
import { userRoutes } from './users.js';
import { callbackRoutes, type CallbackAdminDeps } from './callbacks.js';
import { decisionRoutes } from './decisions.js';
import { callbackConfigRoutes } from './callback-config.js';
import { statsRoutes } from './stats.js';

export function allRoutes(services: Services, callbackAdmin?: CallbackAdminDeps): Route[] {
  return [
    ...authRoutes(services),
    ...userRoutes(services),
    ...groupRoutes(services),
    ...memberRoutes(services),
    ...applicationRoutes(services),
    ...messageRoutes(services),
    ...conversationRoutes(services),
    ...groupSyncRoutes(services),
    ...friendRoutes(services),
    ...jssdkRoutes(services),
    ...(callbackAdmin
      ? [
          ...callbackConfigRoutes(callbackAdmin),
          ...callbackRoutes(services, callbackAdmin),
          ...decisionRoutes(services),
          ...statsRoutes(services, callbackAdmin.now),
        ]
      : []),
  ];
}
