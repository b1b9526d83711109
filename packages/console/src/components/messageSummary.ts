// A chat message's content in a line an operator can scan: the text of a text message, a short
// summary of anything else. Content is user data: callers render the result as text, never HTML.

import type { ChatLog } from '@huddle/protocol/chat-admin';

/** OpenIM's content types (constant.go) by the names its SDKs give them. */
const CONTENT_TYPES: Record<number, string> = {
  101: 'text',
  102: 'picture',
  103: 'voice',
  104: 'video',
  105: 'file',
  106: '@ text',
  107: 'merged',
  108: 'card',
  109: 'location',
  110: 'custom',
  111: 'revoke',
  113: 'typing',
  114: 'quote',
  115: 'emoji',
  117: 'advanced text',
  1501: 'group created',
  1502: 'group info set',
  1503: 'join request',
  1504: 'member quit',
  1505: 'request accepted',
  1506: 'request refused',
  1507: 'owner transferred',
  1508: 'member kicked',
  1509: 'member invited',
  1510: 'member joined',
  1511: 'group dismissed',
  1512: 'member muted',
  1513: 'member unmuted',
  1514: 'group muted',
  1515: 'group unmuted',
  1516: 'member info set',
  1517: 'made admin',
  1518: 'made member',
  1519: 'notification set',
  1520: 'name set',
};

export const contentTypeName = (t: number) => CONTENT_TYPES[t] ?? (t >= 1000 ? `notice ${t}` : `type ${t}`);

/** Characters of a text shown, and of the JSON of anything else (a notice's is long and says little). */
const MAX = 300;
const MAX_OTHER = 80;
const clip = (s: string, max = MAX) => (s.length > max ? `${s.slice(0, max)}…` : s);

export function messageSummary(m: Pick<ChatLog, 'contentType' | 'content'>): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(m.content);
  } catch {
    return clip(m.content);
  }
  if (typeof parsed !== 'object' || parsed === null) return clip(String(parsed));
  const c = parsed as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const picture = c.sourcePicture as { url?: unknown } | undefined;
  switch (m.contentType) {
    case 101:
    case 117:
      return clip(text(c.content));
    case 106:
    case 114:
      return clip(text(c.text));
    case 102:
      return `[picture] ${text(picture?.url)}`.trim();
    case 103:
      return `[voice] ${typeof c.duration === 'number' ? c.duration : '?'} s`;
    case 104:
      return `[video] ${typeof c.duration === 'number' ? c.duration : '?'} s`;
    case 105:
      return `[file] ${text(c.fileName)}`.trim();
    default:
      return clip(`[${contentTypeName(m.contentType)}] ${JSON.stringify(c)}`, MAX_OTHER);
  }
}
