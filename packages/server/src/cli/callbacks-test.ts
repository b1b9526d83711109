// `huddle callbacks test NAME --to URL`: sends the hook's example event to a URL as huddle would — the same
// body builders, dialect request rules (URL, headers, signatures) and sender — and reads the answer
// with the same verdict rules, so a business server can be tried before any group exists.

import {
  EXAMPLE_TENCENT_CONTEXT,
  CALLBACK_KEYS,
  CALLBACKS,
  type CallbackDefinition,
  type CallbackKey,
} from '@huddle/protocol';
import { Option, type Command } from 'commander';
import { ApiError } from '../errors.js';
import { parseCallbackConfig, CallbackConfigError, type EndpointConfig } from '../callbacks/config-file.js';
import { afterVerdict, beforeVerdict, dialectOf } from '../callbacks/dialect-adapters.js';
import { newEventID } from '../callbacks/dispatcher.js';
import type { SendResult } from '../callbacks/send.js';
import { duration } from './arguments.js';
import { problemText } from '../callbacks/config-problems.js';
import { CliError, usageError } from './errors.js';
import { print, printJson, truncate } from './output.js';

interface TestOptions {
  to: string;
  dialect: string;
  sdkAppId?: string;
  token?: string;
  signingSecret?: string;
  timeout?: number;
  json?: boolean;
}

/** Flag for each endpoint field, so the parser's errors name what the user typed. */
const FLAG_OF: Record<string, string> = {
  url: '--to',
  dialect: '--dialect',
  sdkAppId: '--sdk-app-id',
  token: '--token',
  signingSecret: '--signing-secret',
};

function findHook(name: string): CallbackKey {
  const lower = name.toLowerCase();
  const key = CALLBACK_KEYS.find(
    (k) =>
      k.toLowerCase() === lower ||
      CALLBACKS[k].openim.command.toLowerCase() === lower ||
      CALLBACKS[k].tencent?.command.toLowerCase() === lower,
  );
  if (!key) throw usageError(`unknown hook "${name}": one of ${CALLBACK_KEYS.join(', ')} (huddle callbacks list)`);
  return key;
}

/** The endpoint the flags describe, validated by the configuration parser itself. */
function endpointOf(opts: TestOptions): EndpointConfig {
  const doc = {
    name: 'test',
    url: opts.to,
    dialect: opts.dialect,
    sdkAppId: opts.sdkAppId,
    token: opts.token,
    signingSecret: opts.signingSecret,
  };
  const defined = Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
  try {
    return parseCallbackConfig({ endpoints: [defined] }).endpoints[1]!;
  } catch (err) {
    if (!(err instanceof CallbackConfigError)) throw err;
    const field = err.key.replace(/^endpoints\[0\]\./, '');
    throw usageError(`${FLAG_OF[field] ?? field}: ${problemText(err)}`);
  }
}

type Reading = { ok: boolean; verdict: string; detail: Record<string, unknown> };

/** The answer as huddle reads it: a before-hook's verdict and what the API caller would get. */
function readAnswer(hook: CallbackDefinition, endpoint: EndpointConfig, res: SendResult): Reading {
  const dialect = dialectOf(endpoint);
  if (hook.phase === 'after') {
    const delivered = afterVerdict(dialect, res);
    // Any 2xx is delivered; a body huddle cannot read is noted, as in the delivery log.
    if (delivered.ok && delivered.note)
      return {
        ok: true,
        verdict: `delivered (noted: ${delivered.note})`,
        detail: { kind: 'delivered', note: delivered.note },
      };
    return delivered.ok
      ? { ok: true, verdict: 'delivered', detail: { kind: 'delivered' } }
      : {
          ok: false,
          verdict: `not delivered: ${delivered.reason} (huddle retries it on retrySchedule)`,
          detail: { kind: 'retry', reason: delivered.reason },
        };
  }
  const verdict = beforeVerdict(dialect, hook, res);
  if (verdict.kind === 'allow') {
    const change =
      verdict.modification === undefined ? 'unchanged' : `modified: ${JSON.stringify(verdict.modification)}`;
    return { ok: true, verdict: `allow (${change})`, detail: verdict };
  }
  if (verdict.kind === 'reject') {
    const e = ApiError.fromBusinessServer(verdict, endpoint.dialect);
    const caller = { errCode: e.code, errMsg: e.errMsg, errDlt: e.detail };
    return {
      ok: true,
      verdict: `reject: the caller gets errCode ${e.code} ${e.errMsg}${e.detail ? ` (${e.detail})` : ''}`,
      detail: { ...verdict, caller },
    };
  }
  const refusal = ApiError.fromCallbackFailure(verdict, hook.key);
  return {
    ok: false,
    verdict: `failed callback (${verdict.reason}): with failedContinue the operation proceeds unmodified, otherwise the caller gets errCode ${refusal.code} ${refusal.errMsg}`,
    detail: verdict,
  };
}

export function addCallbacksTestCommand(hooks: Command): void {
  hooks
    .command('test')
    .description(
      "send a hook's sample event to a URL as huddle would, and print the answer and huddle's verdict (exit code 1 when the callback fails)",
    )
    .argument('<hook>', 'hook key (afterCreateGroup) or its OpenIM or Tencent command')
    .requiredOption('--to <url>', "the business server: OpenIM's base URL ({url}/{command}), or Tencent's callback URL")
    .addOption(new Option('--dialect <dialect>', 'how to send it').choices(['openim', 'tencent']).default('openim'))
    .option('--sdk-app-id <id>', 'Tencent: the SDKAppID sent in the query string (required with --dialect tencent)')
    .option('--token <token>', 'Tencent: the callback token; requests then carry Sign and RequestTime')
    .option('--signing-secret <whsec>', 'sign the request with Standard Webhooks (webhook-signature)')
    .option(
      '--timeout <duration>',
      "how long to wait for the answer (default: the dialect's, 5s OpenIM, 2s Tencent)",
      duration,
    )
    .option('--json', 'print JSON')
    .action(async (name: string, opts: TestOptions) => {
      const key = findHook(name);
      const hook: CallbackDefinition = CALLBACKS[key];
      const endpoint = endpointOf(opts);
      const timeoutMs = opts.timeout ?? endpoint.hooks[key].timeoutMs;
      const event = hook.example as { groupID: string };
      const dialect = dialectOf(endpoint);
      const [first] = await dialect.bodies(hook, [event], () => EXAMPLE_TENCENT_CONTEXT);
      if (!first) throw usageError(`Tencent Cloud Chat has no callback for ${key}: use --dialect openim`);
      const body = first.body;
      const payload = JSON.stringify(body);
      const now = Date.now();
      const operationID = `hooks-test-${now}`;
      const request = dialect.request(
        endpoint,
        {
          id: newEventID(now),
          command: dialect.command(hook),
          operationID,
          payload,
          clientIP: '127.0.0.1',
          optPlatform: 'RESTAPI',
        },
        now,
      );
      // undici loads only for this command, not for every `huddle` start.
      const { CallbackSender } = await import('../callbacks/send.js');
      const sender = new CallbackSender(1);
      let res: SendResult;
      try {
        res = await sender.post(request.url, payload, request.headers, timeoutMs);
      } finally {
        await sender.close();
      }
      const reading = readAnswer(hook, endpoint, res);
      if (opts.json) {
        printJson({
          hook: key,
          phase: hook.phase,
          dialect: endpoint.dialect,
          request: { url: request.url, headers: request.headers, body },
          response: { statusCode: res.statusCode, durationMs: res.durationMs, body: res.body, error: res.error },
          verdict: reading.detail,
          ok: reading.ok,
        });
      } else {
        print(`POST ${request.url}`);
        for (const [h, v] of Object.entries(request.headers)) print(`  ${h}: ${v}`);
        print(`  ${truncate(payload, 300)}\n`);
        print(`status    ${res.statusCode ?? `none (${res.error})`}`);
        print(`duration  ${res.durationMs} ms`);
        print(`answer    ${res.statusCode === null ? '—' : truncate(res.body, 500) || '(empty)'}`);
        print(`verdict   ${reading.verdict}`);
      }
      if (!reading.ok) throw new CliError('', 1);
    });
}
