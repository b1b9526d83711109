// Example bodies, body schemas and example answers of every callback for the API document, from
// the hook declarations: the body schema is the hook's view, the example body is built from its
// example event, a modify answer carries its answerExample. (The golden fixtures in test/fixtures/
// are checked against the same declarations by fixtures.test.ts.)

import {
  EXAMPLE_TENCENT_CONTEXT,
  openimBody,
  tencentBodies,
  type CallbackDefinition,
  type JsonSchema,
  type TencentAnswerFields,
} from '@huddle/protocol';

type Dialect = 'openim' | 'tencent';
type AnswerKind = 'allow' | 'reject' | 'deny-custom' | 'modify';

export interface CallbackExamples {
  /** The request body a business server receives, built from the hook's example event. */
  body: Record<string, unknown> | undefined;
  /** The hook's body view, with the command key first. */
  bodySchema: JsonSchema;
  /** Example answers by kind (allow, reject, deny-custom, modify): before-hooks only. */
  answers: Partial<Record<AnswerKind, Record<string, unknown>>>;
}

/** `key` (the command's own key) first, then the view's. */
function withCommand(key: string, view: JsonSchema): JsonSchema {
  return {
    ...view,
    properties: { [key]: { type: 'string' }, ...(view.properties as object) },
    required: [key, ...((view.required as string[] | undefined) ?? [])],
  };
}

const OPENIM_ALLOW = { actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0 };
const TENCENT_ALLOW = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' };

function openimAnswers(hook: CallbackDefinition): CallbackExamples['answers'] {
  const allow = OPENIM_ALLOW;
  return {
    allow,
    reject: { ...allow, errCode: 5001, errMsg: 'blocked by the business server', errDlt: 'not now', nextCode: 1 },
    ...(hook.answerExample ? { modify: { ...allow, ...hook.answerExample } } : {}),
  };
}

function tencentAnswers(hook: CallbackDefinition): CallbackExamples['answers'] {
  const fields: TencentAnswerFields = hook.tencent?.modification ?? {};
  const carried = Object.entries(fields).flatMap(([field, at]) =>
    at && hook.answerExample && field in hook.answerExample ? [[at.answerKey, hook.answerExample[field]]] : [],
  );
  return {
    allow: TENCENT_ALLOW,
    reject: { ...TENCENT_ALLOW, ErrorCode: 1, ErrorInfo: 'not allowed' },
    'deny-custom': { ...TENCENT_ALLOW, ErrorCode: 10150, ErrorInfo: 'members must verify their phone first' },
    ...(carried.length ? { modify: { ...TENCENT_ALLOW, ...Object.fromEntries(carried) } } : {}),
  };
}

export function callbackExamples(hook: CallbackDefinition, dialect: Dialect): CallbackExamples {
  const before = hook.phase === 'before';
  if (dialect === 'openim') {
    return {
      body: openimBody(hook, hook.example),
      bodySchema: withCommand('callbackCommand', hook.openim.view.jsonSchema()),
      answers: before ? openimAnswers(hook) : {},
    };
  }
  const [first] = tencentBodies(hook, [hook.example], EXAMPLE_TENCENT_CONTEXT);
  return {
    body: first?.body as Record<string, unknown> | undefined,
    bodySchema: withCommand('CallbackCommand', hook.tencent!.view.jsonSchema()),
    answers: before ? tencentAnswers(hook) : {},
  };
}
