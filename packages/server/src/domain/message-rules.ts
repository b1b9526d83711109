// What a message must be before it is stored, and what its options mean. Pure: no storage.

import { args } from '../errors.js';
import { ContentType, SessionType } from './conversation-ids.js';

/**
 * Largest content, in UTF-8 bytes. OpenIM's gateway reads client frames of up to 51,200 bytes; a
 * message's content must fit one with room for the rest of the MsgData.
 */
export const MAX_CONTENT_BYTES = 48 * 1024;

/** Users named in atUserIDList at most (OpenIM's SDK caps @-mentions far lower). */
export const MAX_AT_USERS = 1000;

/** OpenIM's rule: an option missing from the map is true. */
export const option = (options: Readonly<Record<string, boolean>>, key: string) => options[key] !== false;

/**
 * Whether a message gets a seq and is kept: typing indicators and messages sent with history or
 * persistent off are only pushed to who is online (seq 0), as on OpenIM.
 */
export function isStored(contentType: number, options: Readonly<Record<string, boolean>>): boolean {
  return contentType !== ContentType.Typing && option(options, 'history') && option(options, 'persistent');
}

/** The checks on a message's own fields (who may send it, and where, is the operation's). */
export function checkMessageShape(m: {
  sessionType: number;
  recvID: string;
  groupID: string;
  contentType: number;
  content: string;
  atUserIDList: readonly string[];
}): void {
  if (m.sessionType === SessionType.Group) {
    if (!m.groupID) throw args('groupID is required for a group message (sessionType 3)');
  } else if (m.sessionType === SessionType.Single) {
    if (!m.recvID) throw args('recvID is required for a one-to-one message (sessionType 1)');
  } else throw args(`sessionType ${m.sessionType} is not supported: 1 (one-to-one) or 3 (group)`);
  if (m.contentType < 100 || m.contentType > 199)
    throw args(`contentType ${m.contentType} is not a user message type (101-199)`);
  const bytes = Buffer.byteLength(m.content, 'utf8');
  if (bytes > MAX_CONTENT_BYTES) throw args(`content is ${bytes} bytes; at most ${MAX_CONTENT_BYTES} are accepted`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(m.content);
  } catch {
    throw args('content is not JSON');
  }
  // Clients cut strings at a NUL, and PostgreSQL cannot keep a raw one: refuse it, escaped or not.
  if (m.content.includes('\u0000') || hasNul(parsed)) throw args('content contains a NUL character');
  if (m.contentType === ContentType.Text) {
    const text = (parsed as { content?: unknown } | null)?.content;
    if (typeof text !== 'string' || text === '')
      throw args('a text message (contentType 101) needs content {"content": "<the text>"}');
  }
  if (m.atUserIDList.length > MAX_AT_USERS) throw args(`atUserIDList names more than ${MAX_AT_USERS} users`);
}

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v));
  return false;
}
