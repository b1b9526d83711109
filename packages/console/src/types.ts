// What the admin API answers (README: "Delivery log, replay and runtime configuration").

export type {
  DeliveryEventView as EventView,
  DeliveryAttemptView as AttemptView,
  DeliveryEventDetail as EventDetail,
  DeliveryReplayView as ReplayView,
} from '@huddle/protocol/delivery-log';

export interface ConfigView {
  config: Record<string, unknown>;
  source: string;
  changedAt: number;
}

export type { AttemptNotice } from '@huddle/protocol/live';

export type { GroupInfo } from '@huddle/protocol/wire';

export interface Member {
  userID: string;
  nickname: string;
  roleLevel: number;
  joinTime: number;
  muteEndTime: number;
}
