export {
  allow,
  modify,
  reject,
  type Allow,
  type Answer,
  type Modify,
  type ModifyFields,
  type Reject,
} from './answers.js';
export { ReceiverError, type ReceiverErrorCode } from './errors.js';
export type { Dialect, HookEvent, OpenIMEvent, TencentEvent, TencentHookKey } from './events.js';
export type { HeaderSource } from './headers.js';
export {
  Deduplicator,
  MemoryIdempotencyStore,
  type IdempotencyStore,
  type MemoryStoreOptions,
  type RecordedAnswer,
} from './idempotency.js';
export type { ErrorContext, ReceiverOptions, SigningSecrets } from './options.js';
export { InvalidModificationError } from './render.js';
export type { CallbackRequest } from './request.js';
export {
  createReceiver,
  Receiver,
  type AfterHandler,
  type BeforeHandler,
  type CallbackResponse,
  type Handler,
} from './receiver.js';
export {
  STANDARD_WEBHOOKS_TOLERANCE_SECONDS,
  verifyStandardWebhook,
  type StandardWebhookInput,
} from './verify-standard.js';
export { TENCENT_TOLERANCE_SECONDS, verifyTencent, type TencentApp } from './verify-tencent.js';
export { nodeHandler } from './adapters/node.js';
export { expressMiddleware } from './adapters/express.js';
export { fastifyPlugin } from './adapters/fastify.js';
export { fetchHandler } from './adapters/fetch.js';
