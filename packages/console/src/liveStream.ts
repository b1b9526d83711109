// Reads GET /callback/live with fetch (EventSource cannot send the token header) and hands each
// `attempt` event to `onAttempt` until `signal` aborts.

import { refusal, type Envelope } from './api';
import { getToken } from './token';
import type { AttemptNotice } from './types';

export async function readLiveStream(
  onAttempt: (n: AttemptNotice) => void,
  onOpen: () => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await fetch('/callback/live', { headers: { token: getToken() }, signal });
  if (!res.ok || !res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
    const envelope = (await res.json().catch(() => undefined)) as Envelope | undefined;
    // The API's refusals read as anywhere else in the console (a token error ends the login).
    throw typeof envelope?.errCode === 'number' ? refusal(envelope) : new Error(`HTTP ${res.status}`);
  }
  onOpen();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = message.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (event === 'attempt' && data) onAttempt(JSON.parse(data) as AttemptNotice);
    }
  }
}
