export * from './schema.js';
export * from './wire.js';
export * from './hooks/index.js';
export * from './dialects/openim.js';
export * from './dialects/tencent.js';
export * from './signing.js';
export type { AttemptNotice } from './live.js';
export type { DeliveryAttemptView, DeliveryEventDetail, DeliveryEventView, DeliveryStatus } from './delivery-log.js';
