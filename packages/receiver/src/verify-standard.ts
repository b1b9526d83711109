// Standard Webhooks verification (https://www.standardwebhooks.com), as the spec's reference
// libraries do it: all three headers present, the timestamp within 5 minutes either way, then one of
// the space-separated `v1,` signatures matching one of the secrets, compared in constant time.
// Several secrets let the receiver rotate its key; several signatures let the sender rotate its own.

import { signatureMatches } from '@huddle/protocol';
import { ReceiverError } from './errors.js';
import { headerOf, type HeaderSource } from './headers.js';
import { checkFreshness } from './timestamp.js';

export const STANDARD_WEBHOOKS_TOLERANCE_SECONDS = 5 * 60;

export interface StandardWebhookInput {
  headers: HeaderSource;
  /** The body exactly as received: a re-serialised JSON body does not verify. */
  body: string;
  /** `whsec_…` secrets; a signature by any of them is accepted. */
  secrets: readonly string[];
  nowSeconds?: number;
}

/** Returns the verified event ID and timestamp; throws a ReceiverError saying what is wrong. */
export function verifyStandardWebhook(input: StandardWebhookInput): { id: string; timestamp: number } {
  const id = headerOf(input.headers, 'webhook-id');
  const timestamp = headerOf(input.headers, 'webhook-timestamp');
  const signature = headerOf(input.headers, 'webhook-signature');
  for (const [name, value] of [
    ['webhook-id', id],
    ['webhook-timestamp', timestamp],
    ['webhook-signature', signature],
  ] as const) {
    if (!value) throw new ReceiverError('missing_header', `the ${name} header is missing`);
  }
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  const seconds = checkFreshness(timestamp!, now, STANDARD_WEBHOOKS_TOLERANCE_SECONDS, 'webhook-timestamp');
  if (!input.secrets.some((secret) => signatureMatches(secret, id!, seconds, input.body, signature!))) {
    throw new ReceiverError('bad_signature', 'no webhook-signature matches the signing secret');
  }
  return { id: id!, timestamp: seconds };
}
