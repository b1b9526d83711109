// "Send a test event" for the console: a hook's example event sent to a configured endpoint as
// huddle sends it (the dialect's body, URL, headers and signature) and read with the same verdict
// rules. Nothing goes through the outbox, so the delivery log does not show it.

import { CALLBACKS, EXAMPLE_TENCENT_CONTEXT, type CallbackKey, type EndpointTestResult } from '@huddle/protocol';
import type { EndpointConfig } from './config-file.js';
import { afterVerdict, beforeVerdict } from './dialect-adapters.js';
import { oneRequest } from './dispatcher.js';
import { CallbackSender } from './send.js';

const ANSWER_EXCERPT = 4096;

/** Undefined when the endpoint's dialect has no callback for the hook. */
export async function sendTestEvent(
  endpoint: EndpointConfig,
  key: CallbackKey,
  now: number,
): Promise<EndpointTestResult | undefined> {
  const hook = CALLBACKS[key];
  const built = await oneRequest(
    endpoint,
    hook,
    hook.example as object,
    () => EXAMPLE_TENCENT_CONTEXT,
    { operationID: `console-test-${now}`, clientIP: '127.0.0.1', optPlatform: 'RESTAPI' },
    now,
  );
  if (!built) return undefined;
  const { dialect, payload, request } = built;
  const sender = new CallbackSender(1);
  try {
    const res = await sender.post(request.url, payload, request.headers, endpoint.hooks[key].timeoutMs);
    let ok: boolean;
    let verdict: string;
    if (hook.phase === 'after') {
      const v = afterVerdict(dialect, res);
      ok = v.ok;
      verdict = v.ok ? 'delivered' : `not delivered: ${v.reason}`;
    } else {
      const v = beforeVerdict(dialect, hook, res);
      ok = v.kind !== 'fail';
      verdict = v.kind === 'fail' ? `failed: ${v.reason}` : v.kind;
    }
    return {
      url: request.url,
      statusCode: res.statusCode ?? 0,
      durationMs: Math.round(res.durationMs),
      answer: res.body.slice(0, ANSWER_EXCERPT),
      ok,
      verdict,
    };
  } finally {
    await sender.close();
  }
}
