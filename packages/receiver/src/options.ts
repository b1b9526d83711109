// How a receiver is configured: which dialects it accepts and how each is verified. Secrets must be
// given or explicitly refused (false): an unset environment variable must not turn verification off.

import { isValidSigningSecret } from '@huddle/protocol';
import type { Dialect } from './events.js';
import type { IdempotencyStore } from './idempotency.js';
import type { TencentApp } from './verify-tencent.js';

/** `whsec_…` secrets (several while rotating), or false to accept callbacks without a signature. */
export type SigningSecrets = string | readonly string[] | false;

export interface ReceiverOptions {
  /** Accept OpenIM-dialect callbacks (the endpoint's `signingSecret`). */
  openim?: { signingSecret: SigningSecrets };
  /**
   * Accept Tencent-dialect callbacks: SdkAppid and token as the endpoint's `sdkAppId` and `token`;
   * `signingSecret` when the endpoint also has one (huddle then signs Tencent requests too).
   */
  tencent?: TencentApp & { signingSecret?: SigningSecrets };
  /** Where answers are recorded per webhook-id (default: in memory); false runs handlers on every delivery. */
  idempotency?: IdempotencyStore | false;
  /**
   * Told of every refused request and every handler failure. The default logs a refusal as one line
   * (console.warn) and a handler failure with its stack (console.error).
   */
  onError?: (error: unknown, context: ErrorContext) => void;
  /** Bodies larger than this are refused by the adapters (default 4 MiB). */
  maxBodyBytes?: number;
}

export interface ErrorContext {
  /** verify: the request was refused (a ReceiverError); handler: a handler threw or answered wrongly. */
  stage: 'verify' | 'handler';
  dialect?: Dialect;
  command?: string;
  id?: string;
}

export interface DialectSettings {
  secrets: readonly string[];
  tencent?: TencentApp;
}

function secrets(value: SigningSecrets | undefined, key: string): readonly string[] {
  if (value === false) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!list || list.length === 0)
    throw new Error(`${key} is required: a whsec_ secret, a list of them, or false to accept unsigned callbacks`);
  for (const s of list)
    if (!isValidSigningSecret(s)) throw new Error(`${key}: expected whsec_ followed by the base64 of 24 to 64 bytes`);
  return list;
}

/** The verification settings per accepted dialect; throws on a configuration that cannot be right. */
export function dialectSettings(options: ReceiverOptions): Partial<Record<Dialect, DialectSettings>> {
  const out: Partial<Record<Dialect, DialectSettings>> = {};
  if (options.openim) out.openim = { secrets: secrets(options.openim.signingSecret, 'openim.signingSecret') };
  if (options.tencent) {
    const { sdkAppId, token, signingSecret = false } = options.tencent;
    if (typeof sdkAppId !== 'string' || sdkAppId === '') throw new Error('tencent.sdkAppId is required');
    if (token !== false && (typeof token !== 'string' || token === ''))
      throw new Error('tencent.token is required: the callback token, or false when the endpoint has none');
    out.tencent = { secrets: secrets(signingSecret, 'tencent.signingSecret'), tencent: { sdkAppId, token } };
  }
  if (!out.openim && !out.tencent) throw new Error('a receiver needs openim or tencent settings (or both)');
  return out;
}
