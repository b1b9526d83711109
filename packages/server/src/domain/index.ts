import { activityService } from './activity.js';
import { applicationService } from './applications.js';
import { authService, type AuthDeps } from './auth.js';
import { decisionLogService, type DecisionLogDeps } from './decision-log.js';
import { deliveryLogService, type DeliveryLogDeps } from './delivery-log.js';
import { deliveryStatsService } from './delivery-stats.js';
import { conversationService } from './conversations.js';
import { friendService } from './friends.js';
import { groupOverviewService } from './group-overview.js';
import { groupSyncService } from './group-sync.js';
import { groupService } from './groups.js';
import { memberService } from './members.js';
import { messageSearchService } from './message-search.js';
import { messageService } from './messages.js';
import { recipientService } from './recipients.js';
import { presenceService, type PresenceDeps } from './presence.js';
import { userService } from './users.js';

/** Every domain service over one store; the HTTP routes call these and nothing below them. */
export function createServices(deps: AuthDeps & DeliveryLogDeps & PresenceDeps & DecisionLogDeps) {
  return {
    auth: authService(deps),
    users: userService(deps),
    groups: groupService(deps),
    members: memberService(deps),
    applications: applicationService(deps),
    deliveries: deliveryLogService(deps),
    decisions: decisionLogService(deps),
    deliveryStats: deliveryStatsService(deps),
    activity: activityService(deps),
    messages: messageService(deps),
    messageSearch: messageSearchService(deps),
    recipients: recipientService(deps),
    conversations: conversationService(deps),
    groupSync: groupSyncService(deps),
    groupOverview: groupOverviewService(deps),
    friends: friendService(),
    presence: presenceService(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
