// webhooks.yml documents pointing at the receiver, and switching them on a running huddle.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { CALLBACK_KEYS, CALLBACKS } from '@huddle/protocol';
import type { Api } from './api.js';
import type { Huddle } from './huddle.js';
import { tmpPath } from './workdir.js';

export const SIGNING_SECRET = `whsec_${crypto.randomBytes(32).toString('base64')}`;
export const AFTER_HOOKS = CALLBACK_KEYS.filter((k) => CALLBACKS[k].phase === 'after');

/** A webhooks.yml document (JSON, which is YAML too): `url`, a signing secret, and every hook named. */
export function webhookConfig(
  url: string,
  options: {
    after?: readonly string[];
    before?: readonly string[];
    deliveryConcurrency?: number | 'default';
    timeout?: number;
  } = {},
): Record<string, unknown> {
  const doc: Record<string, unknown> = { url, signingSecret: SIGNING_SECRET };
  // 'default': no deliveryConcurrency key, huddle's default applies.
  if (options.deliveryConcurrency !== 'default') doc.deliveryConcurrency = options.deliveryConcurrency ?? 64;
  for (const key of CALLBACK_KEYS) {
    const before = CALLBACKS[key].phase === 'before';
    const enable = (before ? options.before : options.after)?.includes(key) ?? false;
    // failedContinue false: a failed before-callback fails the call, so the bench counts it as an error.
    doc[key] = before
      ? { enable, timeout: options.timeout ?? 5, failedContinue: false }
      : { enable, timeout: options.timeout ?? 5 };
  }
  return doc;
}

/** Writes `doc` to `<temp dir>/<name>.yml` (for HUDDLE_CALLBACKS); returns the path. */
export function writeWebhooksFile(name: string, doc: Record<string, unknown>): string {
  const file = tmpPath(`${name}.yml`);
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

export async function setWebhooks(ctl: Api, h: Huddle, doc: Record<string, unknown>): Promise<void> {
  await ctl.ok('/callback/set_config', { config: doc }, h.adminToken);
}
