// Tencent Cloud Chat's callback dialect: where a request goes, how it is signed, what its answer
// means, and how huddle's facts read in Tencent's vocabulary (one table each); the signed URL is in
// tencent-url.ts.
//
// Request: POST {url}?SdkAppid=…&CallbackCommand=…&contenttype=json&ClientIP=…&OptPlatform=…
// [&Sign=…&RequestTime=…], Sign = lowercase hex SHA-256 of token + RequestTime (seconds).
// Answer: {ActionStatus, ErrorCode, ErrorInfo}; for before-callbacks ErrorCode 0 allows, 1 denies
// (the caller gets 10016), 10100–10200 deny with that code and ErrorInfo passed to the caller.

import { SchemaError, type Schema } from '../schema.js';
import { afterVerdictOf, type AfterVerdict, type Failure, type Verdict } from './openim.js';

/** Tencent's `Type` for OpenIM's groupType. huddle creates working groups (2), which behave like
 *  Tencent's Public groups: join by application with approval, admins, invitations. */
export const TENCENT_GROUP_TYPE: Readonly<Record<number, string>> = {
  0: 'Public', // OpenIM's ordinary group
  1: 'Community', // OpenIM's super group (large groups)
  2: 'Public', // OpenIM's working group
};

/** Tencent's `Role` for OpenIM's roleLevel. */
export const TENCENT_ROLE: Readonly<Record<number, string>> = { 100: 'Owner', 60: 'Admin', 20: 'Member' };

/** Tencent's `OptPlatform` for OpenIM's platformID (app-admin calls are `RESTAPI` whatever the token). */
export const TENCENT_PLATFORM: Readonly<Record<number, string>> = {
  1: 'iOS',
  2: 'Android',
  3: 'Windows',
  4: 'Mac',
  5: 'Web',
  6: 'Web', // mini program
  7: 'Unknown', // Linux: no Tencent value
  8: 'Android', // Android pad
  9: 'iPad',
  10: 'RESTAPI', // OpenIM's admin platform
};

/** Tencent's `JoinType` for OpenIM's joinSource: invitations (and admin adds) are `Invited`. */
export const TENCENT_JOIN_TYPE: Readonly<Record<number, string>> = {
  1: 'Invited',
  2: 'Invited',
  3: 'Apply',
  4: 'Apply',
};

export const tencentGroupType = (groupType: number): string => TENCENT_GROUP_TYPE[groupType] ?? 'Public';
export const tencentRole = (roleLevel: number): string => TENCENT_ROLE[roleLevel] ?? 'Member';
export const tencentPlatform = (platformID: number, isAppAdmin: boolean): string =>
  isAppAdmin ? 'RESTAPI' : (TENCENT_PLATFORM[platformID] ?? 'Unknown');
export const tencentJoinType = (joinSource: number): string => TENCENT_JOIN_TYPE[joinSource] ?? 'Apply';

/** Where Tencent's answer carries one of huddle's modification fields. */
export interface TencentAnswerField {
  /** The answer's key, matched exactly (case included): `RefusedMembers_Account`. */
  answerKey: string;
  /** What setting it does, for the OpenAPI document. */
  description: string;
}

/**
 * The modification fields a before-hook's Tencent answer carries: huddle's field (the `modifiable`
 * schema's) -> where the answer has it. Typed by the hook's modification, so only its fields compile.
 */
export type TencentModificationFields<M> = { readonly [F in keyof M & string]?: TencentAnswerField };

/** Any hook's TencentModificationFields, as readers take them. */
export type TencentAnswerFields = Readonly<Partial<Record<string, TencentAnswerField>>>;

/** The caller's error when a business server answers ErrorCode 1 (Tencent's 10016). */
export const TENCENT_DENIED_CODE = 10016;
/** Custom denial codes a business server may pass to the caller. */
export const TENCENT_CUSTOM_DENY = { min: 10100, max: 10200 } as const;
/** Whether an ErrorCode is a custom denial, passed to the caller as it is. */
export const isTencentCustomDeny = (code: number): boolean =>
  code >= TENCENT_CUSTOM_DENY.min && code <= TENCENT_CUSTOM_DENY.max;

/** A 200 answer's JSON object, or why there is none: tagged, so no body can pass for a failure. */
type JsonObjectResult = { ok: true; json: Record<string, unknown> } | { ok: false; failure: Failure };

function readJsonObject(statusCode: number, bodyText: string): JsonObjectResult {
  // Tencent: "HTTP status not 200" is a failed callback.
  if (statusCode !== 200)
    return { ok: false, failure: { kind: 'fail', cause: 'transport', reason: `HTTP ${statusCode}` } };
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { ok: false, failure: { kind: 'fail', cause: 'data', reason: 'response body is not JSON' } };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, failure: { kind: 'fail', cause: 'data', reason: 'response body is not a JSON object' } };
  return { ok: true, json: json as Record<string, unknown> };
}

/**
 * Reads a business server's answer to a before-callback. `fields` says which answer keys
 * (RefusedMembers_Account) hold the hook's modification fields; `modifiable` validates them.
 */
export function readTencentAnswer<M>(
  statusCode: number,
  bodyText: string,
  fields?: TencentAnswerFields,
  modifiable?: Schema<M>,
): Verdict<M> {
  const read = readJsonObject(statusCode, bodyText);
  if (!read.ok) return read.failure;
  const { json } = read;
  const code = json.ErrorCode ?? 0;
  if (typeof code !== 'number' || !Number.isInteger(code))
    return { kind: 'fail', cause: 'data', reason: 'response ErrorCode is not an integer' };
  const info = typeof json.ErrorInfo === 'string' ? json.ErrorInfo.slice(0, 1024) : '';
  if (code === 1) return { kind: 'reject', errCode: TENCENT_DENIED_CODE, errMsg: info, errDlt: '', custom: false };
  if (isTencentCustomDeny(code)) return { kind: 'reject', errCode: code, errMsg: info, errDlt: '', custom: true };
  if (code !== 0) return { kind: 'fail', cause: 'data', reason: `ErrorCode ${code} is not 0, 1 or 10100–10200` };
  if (!fields || !modifiable) return { kind: 'allow', modification: undefined };
  const modification = Object.fromEntries(
    Object.entries(fields).flatMap(([field, at]) => (at ? [[field, json[at.answerKey]]] : [])),
  );
  try {
    return { kind: 'allow', modification: modifiable.parse(modification, '') };
  } catch (err) {
    if (err instanceof SchemaError)
      return { kind: 'fail', cause: 'data', reason: `invalid modification: ${err.message}` };
    throw err;
  }
}

/** After-callbacks: any 2xx is delivered (ErrorCode is ignored, as Tencent does); a body that is not a JSON object is noted. */
export function isTencentDelivered(statusCode: number, bodyText: string): AfterVerdict {
  return afterVerdictOf(statusCode, bodyText, (body) => {
    const read = readJsonObject(200, body);
    return read.ok ? '' : read.failure.reason;
  });
}
