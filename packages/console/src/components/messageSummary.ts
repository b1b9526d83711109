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
  1201: 'friend notice',
  1501: 'group created',
  1502: 'group info set',
};

export const contentTypeName = (t: number) => CONTENT_TYPES[t] ?? (t >= 1000 ? `notice ${t}` : `type ${t}`);

const MAX = 300;
const clip = (s: string) => (s.length > MAX ? `${s.slice(0, MAX)}…` : s);

export function messageSummary(m: Pick<ChatLog, 'contentType' | 'content'>): string {
  let c: Record<string, any>;
  try {
    c = JSON.parse(m.content) as Record<string, any>;
  } catch {
    return clip(m.content);
  }
  if (typeof c !== 'object' || c === null) return clip(String(c));
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (m.contentType) {
    case 101:
    case 117:
      return clip(text(c.content));
    case 106:
    case 114:
      return clip(text(c.text));
    case 102:
      return `[picture] ${text(c.sourcePicture?.url)}`.trim();
    case 103:
      return `[voice] ${c.duration ?? '?'} s`;
    case 104:
      return `[video] ${c.duration ?? '?'} s`;
    case 105:
      return `[file] ${text(c.fileName)}`.trim();
    default:
      return clip(`[${contentTypeName(m.contentType)}] ${JSON.stringify(c)}`);
  }
}
