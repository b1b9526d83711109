// The OpenAPI 3.1 document of GET /openapi.json, generated from what the server runs with: every
// route's path, request schema (each Schema describes itself as JSON Schema) and answer (each
// route's response view), and every callback declared in @huddle/protocol's CALLBACKS (command, phase,
// modifiable answer fields).

import {
  CALLBACK_KEYS,
  CALLBACKS,
  openimAnswerHead,
  type CallbackDefinition,
  type JsonSchema,
  type TencentAnswerFields,
} from '@huddle/protocol';
import pkg from '../../../package.json' with { type: 'json' };
import type { Route } from '../route.js';
import { callbackExamples } from './callback-examples.js';

const TAGS = [
  { name: 'auth', description: 'Tokens. Every call but get_admin_token and parse_token needs a `token` header.' },
  { name: 'user', description: 'Users.' },
  { name: 'group', description: 'Groups, members and join requests.' },
  {
    name: 'callback',
    description:
      'Admin API: callback configuration, delivery log and replay. App-admin token only (others get errCode 1002).',
  },
  { name: 'server', description: 'Plain GET endpoints.' },
];

const ENVELOPE: JsonSchema = {
  type: 'object',
  description:
    'OpenIM envelope: HTTP 200 for every handled outcome; errCode 0 is success. `data` is left out when a call returns nothing.',
  properties: {
    errCode: { type: 'integer' },
    errMsg: { type: 'string' },
    errDlt: { type: 'string', description: 'detail for humans; names the field on 1001' },
    // An array where OpenIM answers one (/user/get_users_online_status).
    data: { type: ['object', 'array'] },
  },
  required: ['errCode', 'errMsg', 'errDlt'],
};

const ENVELOPE_REF = { $ref: '#/components/schemas/Envelope' };

/** OpenIM's /jssdk routes also take their request as protobuf, and then answer `data` as protobuf. */
const PROTOBUF_BODY: JsonSchema = {
  type: 'string',
  format: 'binary',
  description:
    "the request message in protobuf; the envelope's `data` is then the answer message in protobuf, as base64",
};

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

/** The envelope with the route's own `data` (NO_DATA's schema forbids the key). */
const answerOf = (route: Route): JsonSchema => ({
  allOf: [ENVELOPE_REF, { properties: { data: route.response.jsonSchema() } }],
});

const header = (name: string, description: string, required = true) => ({
  name,
  in: 'header',
  required,
  description,
  schema: { type: 'string' },
});

function operation(route: Route) {
  const [, tag = 'server', name = route.path] = route.path.split('/');
  return {
    post: {
      tags: [tag],
      operationId: `${tag}_${name}`,
      parameters: [{ $ref: '#/components/parameters/operationID' }],
      security: route.public ? [] : [{ token: [] }],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: route.body.jsonSchema() },
          ...(route.protobuf && { 'application/x-protobuf': { schema: PROTOBUF_BODY } }),
        },
      },
      responses: {
        '200': {
          description: 'success (errCode 0) with this `data`, or an error (errCode ≠ 0, no `data`)',
          content: json(answerOf(route)),
        },
        default: {
          description: 'an error with an HTTP status of its own (429 over the rate limit)',
          content: json(ENVELOPE_REF),
        },
      },
    },
  };
}

const get = (summary: string, contentType: string, schema: JsonSchema, adminOnly = false) => ({
  get: {
    tags: ['server'],
    summary,
    ...(adminOnly ? { security: [{ token: [] }] } : { security: [] }),
    responses: { '200': { description: summary, content: { [contentType]: { schema } } } },
  },
});

/** The answer a hook accepts: OpenIM's head fields, plus what a before-hook may modify. */
function answerSchema(hook: CallbackDefinition): JsonSchema {
  const head = openimAnswerHead.jsonSchema();
  const modifiable = hook.modifiable?.jsonSchema();
  const properties = { ...(head.properties as object), ...((modifiable?.properties as object | undefined) ?? {}) };
  return {
    ...head,
    properties,
    description:
      'actionCode 0 with nextCode 1 rejects; actionCode 0 otherwise allows (applying any modifiable fields present and not null)',
  };
}

/** Tencent's answer: ErrorCode decides; the modification fields it carries, under Tencent's keys, where the hook takes them. */
function tencentAnswerSchema(hook: CallbackDefinition): JsonSchema {
  const modifiable = (hook.modifiable?.jsonSchema().properties ?? {}) as Record<string, JsonSchema>;
  const carried: TencentAnswerFields = hook.tencent?.modification ?? {};
  const modification = Object.entries(carried).flatMap(([field, at]) =>
    at ? [[at.answerKey, { ...modifiable[field], description: `with ErrorCode 0: ${at.description}` }]] : [],
  );
  return {
    type: 'object',
    properties: {
      ActionStatus: { type: 'string', enum: ['OK', 'FAIL'] },
      ErrorCode: {
        type: 'integer',
        description:
          '0 allows; 1 denies (the caller gets 10016); 10100–10200 deny with that code and ErrorInfo passed to the caller',
      },
      ErrorInfo: { type: 'string' },
      ...Object.fromEntries(modification),
    },
    required: ['ErrorCode'],
  };
}

const DIALECTS = {
  openim: {
    command: (hook: CallbackDefinition) => hook.openim.command,
    url: (command: string) => `\`{url}/${command}?contenttype=json\``,
    delivered: 'a 2xx answer with actionCode 0',
    answer: answerSchema,
  },
  tencent: {
    command: (hook: CallbackDefinition) => hook.tencent!.command,
    url: (command: string) =>
      `\`{url}?SdkAppid=…&CallbackCommand=${command}&contenttype=json&ClientIP=…&OptPlatform=…\` (plus Sign and RequestTime with a token) to endpoints with dialect tencent`,
    delivered: 'HTTP 200 with a JSON object',
    answer: tencentAnswerSchema,
  },
};

function callback(hook: CallbackDefinition, dialect: keyof typeof DIALECTS) {
  const rules = DIALECTS[dialect];
  const command = rules.command(hook);
  const examples = callbackExamples(hook, dialect);
  const answerExamples = Object.fromEntries(Object.entries(examples.answers).map(([kind, value]) => [kind, { value }]));
  return {
    post: {
      tags: [hook.phase === 'before' ? 'before-callback' : 'after-callback'],
      operationId: dialect === 'openim' ? hook.key : `${hook.key}_tencent`,
      summary: `${command} (${hook.phase}): ${hook.fires}`,
      description: `Sent to ${rules.url(command)}. ${
        hook.phase === 'before'
          ? 'Before-callbacks wait for the answer; it may reject or, for the fields listed in its schema, modify the operation.'
          : `After-callbacks go through the outbox: retried until ${rules.delivered}, in commit order per group.`
      }`,
      parameters: [
        header('operationID', 'the operationID of the API call that caused it'),
        header('webhook-id', 'the event ID, the same on every retry (deduplicate on it)'),
        header('webhook-timestamp', 'Unix seconds of this attempt'),
        header(
          'webhook-signature',
          '`v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, when signingSecret is set',
          false,
        ),
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: examples.bodySchema, ...(examples.body ? { example: examples.body } : {}) },
        },
      },
      responses: {
        '200': {
          description: 'the business server’s answer',
          content: {
            'application/json': {
              schema: rules.answer(hook),
              ...(Object.keys(answerExamples).length ? { examples: answerExamples } : {}),
            },
          },
        },
      },
    },
  };
}

export function openApiDocument(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, unknown> = Object.fromEntries(routes.map((r) => [r.path, operation(r)]));
  paths['/healthz'] = get('liveness', 'application/json', { type: 'object', properties: { status: { const: 'ok' } } });
  paths['/metrics'] = get('Prometheus metrics', 'text/plain', { type: 'string' });
  paths['/openapi.json'] = get('this document', 'application/json', { type: 'object' });
  paths['/callback/live'] = get(
    'server-sent events: one `attempt` event per callback delivery attempt this instance makes',
    'text/event-stream',
    { type: 'string' },
    true,
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'huddle',
      version: pkg.version,
      description:
        "OpenIM's group REST API. Every call is POST with a JSON body and an operationID header. Request keys match case-insensitively, unknown keys are ignored, a missing scalar reads as its zero value.",
    },
    tags: [
      ...TAGS,
      { name: 'before-callback', description: 'Callbacks huddle waits for.' },
      { name: 'after-callback', description: 'Callbacks delivered from the outbox.' },
    ],
    paths,
    // By hook key in OpenIM's dialect, and `<key> (tencent)` where Tencent has the callback.
    webhooks: Object.fromEntries(
      CALLBACK_KEYS.flatMap((key) => {
        const hook = CALLBACKS[key] as CallbackDefinition;
        return [
          [key, callback(hook, 'openim')],
          ...(hook.tencent ? [[`${key} (tencent)`, callback(hook, 'tencent')]] : []),
        ];
      }),
    ),
    components: {
      schemas: { Envelope: ENVELOPE },
      parameters: {
        operationID: header('operationID', 'any string identifying the call; echoed in logs and callbacks'),
      },
      securitySchemes: {
        token: {
          type: 'apiKey',
          in: 'header',
          name: 'token',
          description: 'a token from /auth/get_admin_token or /auth/get_user_token',
        },
      },
    },
  };
}
