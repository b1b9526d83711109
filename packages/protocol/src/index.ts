export * from './schema.js';
export * from './wire.js';
export * from './callbacks/index.js';
export * from './dialects/openim.js';
export * from './dialects/tencent.js';
export * from './dialects/tencent-url.js';
export * from './signing.js';
export type { AttemptNotice } from './live.js';
export {
  BulkReplayResult,
  DELIVERY_STATUSES,
  REPLAY_HOWS,
  DeliveryReplayView,
  DeliveryAttemptView,
  DeliveryEventDetail,
  DeliveryEventPage,
  DeliveryEventView,
  DeliveryStats,
  EndpointTestResult,
  type DeliveryStatus,
  EndpointStats,
} from './delivery-log.js';
export { DECISIONS, DecisionPage, DecisionView, type Decision } from './decision-log.js';
export * as view from './view.js';
export type { ObjectView, View, ViewType } from './view.js';
