// What the admin API answers (README: "Delivery log, replay and runtime configuration").

export type EventStatus = 'pending' | 'delivered' | 'dead';

export interface EventView {
  eventID: string;
  hook: string;
  /** The endpoint it goes to; `command` is in that endpoint's dialect. */
  endpoint: string;
  command: string;
  groupID: string;
  operationID: string;
  status: EventStatus;
  attempts: number;
  createTime: number;
  nextAttemptTime: number;
  finishTime: number;
  lastError: string;
}

export interface AttemptView {
  attempt: number;
  startTime: number;
  durationMs: number;
  statusCode: number;
  outcome: string;
  error: string;
  responseExcerpt: string;
}

export interface ConfigView {
  config: Record<string, unknown>;
  source: string;
  changedAt: number;
}

export type { AttemptNotice } from '../../protocol/src/live';

export interface GroupInfo {
  groupID: string;
  groupName: string;
  ownerUserID: string;
  memberCount: number;
  createTime: number;
  status: number;
  notification: string;
  introduction: string;
  needVerification: number;
}

export interface Member {
  userID: string;
  nickname: string;
  roleLevel: number;
  joinTime: number;
  muteEndTime: number;
}
