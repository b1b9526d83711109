// Why a request was refused before any handler ran. The code is stable (log it, count it, branch on
// it); the message is for people and may change.

export type ReceiverErrorCode =
  /** A Standard Webhooks header (webhook-id, webhook-timestamp, webhook-signature) is absent. */
  | 'missing_header'
  /** A Tencent query parameter (SdkAppid, Sign, RequestTime) is absent. */
  | 'missing_parameter'
  /** webhook-timestamp or RequestTime is not a whole number of seconds. */
  | 'invalid_timestamp'
  /** Older than the tolerance (Standard Webhooks: 5 min; Tencent: 60 s): a replay or a skewed clock. */
  | 'timestamp_too_old'
  /** Newer than the tolerance. */
  | 'timestamp_too_new'
  /** No signature matches any of the secrets (or Sign does not match the token). */
  | 'bad_signature'
  /** SdkAppid is not this receiver's Tencent app. */
  | 'wrong_app'
  /** The request speaks a dialect this receiver was not configured for. */
  | 'dialect_not_enabled'
  /** The body is not UTF-8 JSON text of an object. */
  | 'bad_body'
  /** The body is larger than the receiver's maxBodyBytes. */
  | 'body_too_large'
  /** The request target is not a URL. */
  | 'bad_url'
  /** The command in the body differs from the one in the URL. */
  | 'command_mismatch'
  /** Callbacks are POST requests. */
  | 'method_not_allowed';

const STATUS: Record<ReceiverErrorCode, number> = {
  missing_header: 401,
  missing_parameter: 401,
  invalid_timestamp: 401,
  timestamp_too_old: 401,
  timestamp_too_new: 401,
  bad_signature: 401,
  wrong_app: 401,
  dialect_not_enabled: 404,
  bad_body: 400,
  bad_url: 400,
  body_too_large: 413,
  command_mismatch: 400,
  method_not_allowed: 405,
};

export class ReceiverError extends Error {
  /** The HTTP status the adapters answer with: never 2xx, so huddle counts the attempt as failed. */
  readonly status: number;

  constructor(
    readonly code: ReceiverErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReceiverError';
    this.status = STATUS[code];
  }
}

/** The refusal of a body over `limit` bytes (the receiver's maxBodyBytes): built only when one is. */
export const bodyTooLarge = (limit: number): ReceiverError =>
  new ReceiverError('body_too_large', `the body is larger than ${limit} bytes`);
