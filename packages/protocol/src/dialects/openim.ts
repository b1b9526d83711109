// OpenIM's callback dialect: where a request goes, and what its answer means.
// Verdict rule (OpenIM's, documented): actionCode 0 with nextCode 1 rejects; actionCode 0 otherwise
// allows (applying the hook's modifiable fields); anything else is a failed callback.

import { obj, optInt, optStr, SchemaError, type Schema } from '../schema.js';

/** `${baseUrl}/${command}?contenttype=json`, then any query parameters the hook adds (`key`). */
export function openimUrl(baseUrl: string, command: string, query: Record<string, string> = {}): string {
  const extra = new URLSearchParams(query).toString();
  return `${baseUrl.replace(/\/+$/, '')}/${command}?contenttype=json${extra ? `&${extra}` : ''}`;
}

export type Failure = {
  kind: 'fail';
  /** transport: no usable HTTP answer (timeout, refused, non-2xx); data: an answer we cannot use. */
  cause: 'transport' | 'data';
  reason: string;
};
export type Verdict<M> =
  | { kind: 'allow'; modification: M | undefined }
  /** custom: the business server's own code, passed to the caller unchanged; otherwise the
   *  dialect's refusal code carries errMsg/errDlt as detail. */
  | { kind: 'reject'; errCode: number; errMsg: string; errDlt: string; custom: boolean }
  | Failure;

/** The fields every OpenIM answer may carry (before-hooks add their modifiable fields). */
export const openimAnswerHead = obj({
  actionCode: optInt(),
  nextCode: optInt(),
  errCode: optInt(),
  errMsg: optStr({ max: 1024 }),
  errDlt: optStr({ max: 4096 }),
});

/**
 * Reads a business server's answer. `modifiable` (a before-hook's) validates what it may change;
 * a modification that breaks the rules is a failed callback, never applied.
 */
export function readOpenIMAnswer<M>(statusCode: number, bodyText: string, modifiable?: Schema<M>): Verdict<M> {
  if (statusCode < 200 || statusCode > 299) return { kind: 'fail', cause: 'transport', reason: `HTTP ${statusCode}` };
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { kind: 'fail', cause: 'data', reason: 'response body is not JSON' };
  }
  if (json === null) json = {};
  if (typeof json !== 'object' || Array.isArray(json))
    return { kind: 'fail', cause: 'data', reason: 'response body is not a JSON object' };
  let head: ReturnType<typeof openimAnswerHead.parse>;
  try {
    head = openimAnswerHead.parse(json, '');
  } catch (err) {
    return { kind: 'fail', cause: 'data', reason: `response ${(err as Error).message}` };
  }
  const actionCode = head.actionCode ?? 0;
  if (actionCode !== 0) return { kind: 'fail', cause: 'data', reason: `actionCode ${actionCode}` };
  if (head.nextCode === 1) {
    const errCode = head.errCode ?? 0;
    // OpenIM's documented range for business codes; others become huddle's CallbackRejected.
    return {
      kind: 'reject',
      errCode,
      errMsg: head.errMsg ?? '',
      errDlt: head.errDlt ?? '',
      custom: errCode >= 5000 && errCode <= 9999,
    };
  }
  if (!modifiable) return { kind: 'allow', modification: undefined };
  try {
    return { kind: 'allow', modification: modifiable.parse(json, '') };
  } catch (err) {
    if (err instanceof SchemaError)
      return { kind: 'fail', cause: 'data', reason: `invalid modification: ${err.message}` };
    throw err;
  }
}

/**
 * An after-callback's verdict. Any 2xx is delivered, as in OpenIM (which never reads an
 * after-callback's answer), Svix and Standard Webhooks; `note` says what in a 2xx answer could not
 * be read ('' when nothing), recorded on the attempt but never a reason to retry: a receiver that
 * answers 200 with an empty or non-JSON body has the event, and retrying held its group for a day.
 */
export type AfterVerdict = { ok: true; note: string } | { ok: false; reason: string };

/** The shared rule of both dialects: a non-2xx status fails; `read` notes what a 2xx body lacks. */
export function afterVerdictOf(statusCode: number, bodyText: string, read: (bodyText: string) => string): AfterVerdict {
  if (statusCode < 200 || statusCode > 299) return { ok: false, reason: `HTTP ${statusCode}` };
  // An empty body (204, or a bare 200) is a plain acknowledgement, nothing to note.
  return { ok: true, note: bodyText.trim() === '' ? '' : read(bodyText) };
}

/** After-callbacks: any 2xx is delivered; a body that is not OpenIM's answer, or has actionCode ≠ 0, is noted. */
export function isOpenIMDelivered(statusCode: number, bodyText: string): AfterVerdict {
  return afterVerdictOf(statusCode, bodyText, (body) => {
    const verdict = readOpenIMAnswer(200, body);
    return verdict.kind === 'fail' ? verdict.reason : '';
  });
}
