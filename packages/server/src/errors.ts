// The one table of error codes. Numbers and names follow OpenIM so existing clients keep working;
// the HTTP layer renders every ApiError through `renderError` and nowhere else. README.md's Errors
// table lists exactly these (errors.test.ts). OpenIM's 1003 DuplicateKeyError is absent: its API
// never answers it (duplicates are 500).

export const ERRORS = {
  ServerInternalError: { code: 500, http: 200, message: 'ServerInternalError' },
  ArgsError: { code: 1001, http: 200, message: 'ArgsError' },
  NoPermissionError: { code: 1002, http: 200, message: 'NoPermissionError' },
  RecordNotFoundError: { code: 1004, http: 200, message: 'RecordNotFoundError' },
  UserIDNotFoundError: { code: 1101, http: 200, message: 'UserIDNotFoundError' },
  RegisteredAlreadyError: { code: 1102, http: 200, message: 'RegisteredAlreadyError' },
  GroupIDNotFoundError: { code: 1201, http: 200, message: 'GroupIDNotFoundError' },
  GroupIDExisted: { code: 1202, http: 200, message: 'GroupIDExisted' },
  NotInGroupYetError: { code: 1203, http: 200, message: 'NotInGroupYetError' },
  DismissedAlreadyError: { code: 1204, http: 200, message: 'DismissedAlreadyError' },
  // Not an OpenIM code (OpenIM has no member limit): a join would pass HUDDLE_MAX_GROUP_MEMBERS.
  GroupFullError: { code: 1290, http: 200, message: 'GroupFullError' },
  GroupRequestHandled: { code: 1206, http: 200, message: 'GroupRequestHandled' },
  MutedInGroup: { code: 1402, http: 200, message: 'MutedInGroup' },
  MutedGroup: { code: 1403, http: 200, message: 'MutedGroup' },
  TokenExpiredError: { code: 1501, http: 200, message: 'TokenExpiredError' },
  TokenInvalidError: { code: 1502, http: 200, message: 'TokenInvalidError' },
  TokenMalformedError: { code: 1503, http: 200, message: 'TokenMalformedError' },
  TokenNotValidYetError: { code: 1504, http: 200, message: 'TokenNotValidYetError' },
  TokenUnknownError: { code: 1505, http: 200, message: 'TokenUnknownError' },
  TokenKickedError: { code: 1506, http: 200, message: 'TokenKickedError' },
  TokenNotExistError: { code: 1507, http: 200, message: 'TokenNotExistError' },
  // The WebSocket gateway's connection refusals (OpenIM's servererrs): too many connections, bad query.
  ConnOverMaxNumLimit: { code: 1601, http: 200, message: 'ConnOverMaxNumLimit' },
  ConnArgsErr: { code: 1602, http: 200, message: 'ConnArgsErr' },
  // A business server refused the operation with a code outside 5000–9999 (codes inside pass through).
  CallbackRejected: { code: 80000, http: 200, message: 'CallbackRejected' },
  // A Tencent-dialect business server denied the operation with ErrorCode 1 (Tencent's own code).
  CallbackDenied: { code: 10016, http: 200, message: 'CallbackDenied' },
  // A before-callback failed and its hook says failedContinue: false.
  CallbackNetworkError: { code: 90004, http: 200, message: 'NetworkError' },
  CallbackDataError: { code: 90007, http: 200, message: 'DataError' },
  // Not an OpenIM code: OpenIM answers with gin's plain-text 404. We keep the envelope so
  // clients always get JSON, but with the real HTTP status so proxies and probes see it.
  RouteNotFound: { code: 404, http: 404, message: 'RouteNotFound' },
  // Not an OpenIM code: a user went over HUDDLE_RATE_LIMIT_WRITES_PER_MINUTE, or an address sent
  // too many wrong admin secrets. The real HTTP status and a Retry-After header, so clients and
  // proxies back off.
  TooManyRequests: { code: 429, http: 429, message: 'TooManyRequests' },
} as const satisfies Record<string, { code: number; http: number; message: string }>;

export type ErrorName = keyof typeof ERRORS;

export class ApiError extends Error {
  readonly code: number;
  readonly errMsg: string;
  readonly httpStatus: number;
  /** Free-form detail for humans (`errDlt`). Never SQL, stack traces or internal URLs. */
  readonly detail: string;
  /** Seconds to wait before trying again (the Retry-After header), for TooManyRequests. */
  retryAfterSeconds?: number;

  constructor(name: ErrorName, detail = '', custom?: { code: number; errMsg: string }) {
    const entry = ERRORS[name];
    super(detail ? `${entry.message}: ${detail}` : entry.message);
    this.name = 'ApiError';
    this.code = custom?.code ?? entry.code;
    this.errMsg = custom?.errMsg ?? entry.message;
    this.httpStatus = entry.http;
    this.detail = detail;
  }

  /** TooManyRequests, with the seconds the caller must wait (Retry-After). */
  static retryLater(detail: string, retryAfterSeconds: number): ApiError {
    const e = new ApiError('TooManyRequests', detail);
    e.retryAfterSeconds = retryAfterSeconds;
    return e;
  }

  /**
   * A business server's rejection. Its own code reaches the caller unchanged where the dialect allows
   * one (OpenIM 5000–9999, Tencent 10100–10200); otherwise the dialect's refusal carries its text.
   */
  static fromBusinessServer(
    r: { errCode: number; errMsg: string; errDlt: string; custom: boolean },
    dialect: 'openim' | 'tencent',
  ): ApiError {
    if (r.custom) return new ApiError('CallbackRejected', r.errDlt, { code: r.errCode, errMsg: r.errMsg });
    const detail = [r.errMsg, r.errDlt].filter(Boolean).join(': ');
    if (dialect === 'tencent')
      return new ApiError('CallbackDenied', detail || 'the business server denied this operation');
    return new ApiError('CallbackRejected', detail || `rejected with errCode ${r.errCode}`);
  }

  /**
   * A failed before-callback, when its hook says failedContinue: false. No usable answer (timeout,
   * refused, non-2xx) is NetworkError; an answer that cannot be used is DataError.
   */
  static fromCallbackFailure(f: { cause: 'transport' | 'data'; reason: string }, key: string): ApiError {
    return new ApiError(
      f.cause === 'transport' ? 'CallbackNetworkError' : 'CallbackDataError',
      `callback ${key} failed: ${f.reason}`,
    );
  }
}

/** Shorthands that read like the rule they enforce: `throw args('groupID is empty')`. */
export const args = (detail: string) => new ApiError('ArgsError', detail);
export const noPermission = (detail: string) => new ApiError('NoPermissionError', detail);
export const notFound = (detail: string) => new ApiError('RecordNotFoundError', detail);
export const dismissed = (detail = 'group is dismissed') => new ApiError('DismissedAlreadyError', detail);
