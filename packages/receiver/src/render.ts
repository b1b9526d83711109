// A handler's decision as the HTTP answer huddle reads, per dialect. Verdict rules (huddle's
// readOpenIMAnswer / readTencentAnswer): OpenIM rejects with actionCode 0 + nextCode 1 and fails with
// actionCode != 0; Tencent rejects with ErrorCode 1 or 10100–10200 and fails with anything but 200.

import { isTencentCustomDeny, SchemaError, type CallbackDefinition, type TencentAnswerFields } from '@huddle/protocol';
import type { Answer } from './answers.js';
import type { Dialect } from './events.js';

export interface RenderedAnswer {
  status: number;
  body: Record<string, unknown>;
}

const OPENIM_OK = { actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0 };
const TENCENT_OK = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' };

/** The answer to an after-callback, or to a before-callback nobody handles: received, carry on. */
export const acknowledge = (dialect: Dialect): RenderedAnswer => ({
  status: 200,
  body: dialect === 'openim' ? OPENIM_OK : TENCENT_OK,
});

/**
 * A handler failed: a non-2xx, well-formed answer. huddle retries an after-callback, and applies the
 * hook's failedContinue to a before-callback. The handler's error stays on this side.
 */
export const failure = (dialect: Dialect): RenderedAnswer => ({
  status: 500,
  body:
    dialect === 'openim'
      ? {
          actionCode: 1,
          errCode: 500,
          errMsg: 'the business server could not handle the callback',
          errDlt: '',
          nextCode: 0,
        }
      : { ActionStatus: 'FAIL', ErrorCode: 500, ErrorInfo: 'the business server could not handle the callback' },
});

/** A modification huddle would refuse: thrown so the handler's author hears of it here, not as a silent no-op. */
export class InvalidModificationError extends Error {
  constructor(hook: string, reason: string) {
    super(`${hook}: invalid modification: ${reason}`);
    this.name = 'InvalidModificationError';
  }
}

function checkModification(hook: CallbackDefinition, fields: unknown): Record<string, unknown> {
  if (!hook.modifiable)
    throw new InvalidModificationError(hook.key, 'this hook takes no modification; allow or reject');
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    throw new InvalidModificationError(hook.key, 'fields must be an object');
  try {
    hook.modifiable.parse(fields, '');
  } catch (err) {
    if (err instanceof SchemaError) throw new InvalidModificationError(hook.key, err.message);
    throw err;
  }
  return fields as Record<string, unknown>;
}

function renderOpenIM(hook: CallbackDefinition, answer: Answer<unknown>): RenderedAnswer {
  if (answer.kind === 'reject') {
    return {
      status: 200,
      body: { actionCode: 0, errCode: answer.code, errMsg: answer.message, errDlt: answer.detail, nextCode: 1 },
    };
  }
  if (answer.kind === 'allow') return acknowledge('openim');
  return { status: 200, body: { ...OPENIM_OK, ...checkModification(hook, answer.fields) } };
}

function renderTencent(hook: CallbackDefinition, answer: Answer<unknown>): RenderedAnswer {
  if (answer.kind === 'reject') {
    const info = answer.detail ? `${answer.message}: ${answer.detail}` : answer.message;
    return {
      status: 200,
      body: { ActionStatus: 'OK', ErrorCode: isTencentCustomDeny(answer.code) ? answer.code : 1, ErrorInfo: info },
    };
  }
  if (answer.kind === 'allow') return acknowledge('tencent');
  const fields = checkModification(hook, answer.fields);
  const carried: TencentAnswerFields | undefined = hook.tencent?.modification;
  if (!carried)
    throw new InvalidModificationError(
      hook.key,
      "Tencent's dialect takes no modification for this callback; allow or reject",
    );
  const body: Record<string, unknown> = { ...TENCENT_OK };
  for (const [field, value] of Object.entries(fields)) {
    const at = Object.hasOwn(carried, field) ? carried[field] : undefined;
    if (!at) throw new InvalidModificationError(hook.key, `${field} cannot be changed in Tencent's dialect`);
    body[at.answerKey] = value;
  }
  return { status: 200, body };
}

/** A before-hook handler's answer, in the request's dialect; throws InvalidModificationError. */
export function renderAnswer(dialect: Dialect, hook: CallbackDefinition, answer: Answer<unknown>): RenderedAnswer {
  return dialect === 'openim' ? renderOpenIM(hook, answer) : renderTencent(hook, answer);
}
