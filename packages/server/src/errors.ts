// The one table of error codes. Numbers and names follow OpenIM so existing clients keep working;
// the HTTP layer renders every ApiError through `renderError` and nowhere else.

export const ERRORS = {
  ServerInternalError: { code: 500, http: 200, message: 'ServerInternalError' },
  ArgsError: { code: 1001, http: 200, message: 'ArgsError' },
  NoPermissionError: { code: 1002, http: 200, message: 'NoPermissionError' },
  DuplicateKeyError: { code: 1003, http: 200, message: 'DuplicateKeyError' },
  RecordNotFoundError: { code: 1004, http: 200, message: 'RecordNotFoundError' },
  UserIDNotFoundError: { code: 1101, http: 200, message: 'UserIDNotFoundError' },
  RegisteredAlreadyError: { code: 1102, http: 200, message: 'RegisteredAlreadyError' },
  GroupIDNotFoundError: { code: 1201, http: 200, message: 'GroupIDNotFoundError' },
  GroupIDExisted: { code: 1202, http: 200, message: 'GroupIDExisted' },
  NotInGroupYetError: { code: 1203, http: 200, message: 'NotInGroupYetError' },
  DismissedAlreadyError: { code: 1204, http: 200, message: 'DismissedAlreadyError' },
  GroupRequestHandled: { code: 1206, http: 200, message: 'GroupRequestHandled' },
  TokenExpiredError: { code: 1501, http: 200, message: 'TokenExpiredError' },
  TokenInvalidError: { code: 1502, http: 200, message: 'TokenInvalidError' },
  TokenMalformedError: { code: 1503, http: 200, message: 'TokenMalformedError' },
  TokenNotValidYetError: { code: 1504, http: 200, message: 'TokenNotValidYetError' },
  TokenUnknownError: { code: 1505, http: 200, message: 'TokenUnknownError' },
  TokenKickedError: { code: 1506, http: 200, message: 'TokenKickedError' },
  TokenNotExistError: { code: 1507, http: 200, message: 'TokenNotExistError' },
  // Not an OpenIM code: OpenIM answers with gin's plain-text 404. We keep the envelope so
  // clients always get JSON, but with the real HTTP status so proxies and probes see it.
  RouteNotFound: { code: 404, http: 404, message: 'RouteNotFound' },
} as const satisfies Record<string, { code: number; http: number; message: string }>;

export type ErrorName = keyof typeof ERRORS;

export class ApiError extends Error {
  readonly code: number;
  readonly errMsg: string;
  readonly httpStatus: number;
  /** Free-form detail for humans (`errDlt`). Never SQL, stack traces or internal URLs. */
  readonly detail: string;

  constructor(name: ErrorName, detail = '') {
    const entry = ERRORS[name];
    super(detail ? `${entry.message}: ${detail}` : entry.message);
    this.name = 'ApiError';
    this.code = entry.code;
    this.errMsg = entry.message;
    this.httpStatus = entry.http;
    this.detail = detail;
  }
}

/** Shorthands that read like the rule they enforce: `throw args('groupID is empty')`. */
export const args = (detail: string) => new ApiError('ArgsError', detail);
export const noPermission = (detail: string) => new ApiError('NoPermissionError', detail);
export const notFound = (detail: string) => new ApiError('RecordNotFoundError', detail);
export const dismissed = (detail = 'group is dismissed') => new ApiError('DismissedAlreadyError', detail);
