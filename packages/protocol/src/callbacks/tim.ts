// A message's content in Tencent Cloud Chat's vocabulary: `MsgBody`, a list of TIM elements. huddle
// keeps OpenIM's content (a JSON text per contentType), so a text (101) is a TIMTextElem with its
// text, and every other type a TIMCustomElem whose Data is the content's JSON and whose Ext is the
// contentType. A business server's MsgBody answer reads back the same way.

import { LIMITS, SchemaError, type Schema } from '../schema.js';
import * as v from '../view.js';

export interface TimElement {
  MsgType: string;
  MsgContent: { Text?: string; Data?: string; Desc?: string; Ext?: string; Sound?: string };
}

const TEXT = 101;
/** Content's length in characters at most (the server checks its UTF-8 bytes against its own limit). */
const MAX_CONTENT = 48 * 1024;

export function timBody(contentType: number, content: string): TimElement[] {
  if (contentType === TEXT) {
    const text = (JSON.parse(content) as { content?: unknown }).content;
    return [{ MsgType: 'TIMTextElem', MsgContent: { Text: typeof text === 'string' ? text : '' } }];
  }
  return [{ MsgType: 'TIMCustomElem', MsgContent: { Data: content, Desc: '', Ext: String(contentType), Sound: '' } }];
}

export const timBodyView = v.array(
  v.object(
    {
      MsgType: v.string(),
      MsgContent: v.object(
        { Text: v.string(), Data: v.string(), Desc: v.string(), Ext: v.string(), Sound: v.string() },
        undefined,
        ['Text', 'Data', 'Desc', 'Ext', 'Sound'],
      ),
    },
    'TIMElement',
  ),
);

/** The content a one-element MsgBody stands for: a TIMTextElem's text, a TIMCustomElem's Data. */
function contentOfTim(value: unknown[], path: string): string {
  if (value.length !== 1) throw new SchemaError(`${path} must hold exactly one element (huddle messages have one)`);
  const el = value[0] as { MsgType?: unknown; MsgContent?: Record<string, unknown> } | null;
  const body = el?.MsgContent;
  if (typeof body !== 'object' || body === null) throw new SchemaError(`${path}[0].MsgContent must be an object`);
  if (el?.MsgType === 'TIMTextElem') {
    if (typeof body.Text !== 'string') throw new SchemaError(`${path}[0].MsgContent.Text must be a string`);
    return JSON.stringify({ content: body.Text });
  }
  if (el?.MsgType === 'TIMCustomElem') {
    if (typeof body.Data !== 'string') throw new SchemaError(`${path}[0].MsgContent.Data must be a string`);
    return body.Data;
  }
  throw new SchemaError(`${path}[0].MsgType must be TIMTextElem or TIMCustomElem`);
}

/**
 * A message's new content in a before-callback's answer: OpenIM's `content` (the JSON text), or
 * Tencent's `MsgBody`. Missing or null: unchanged. The operation checks it like a sender's content.
 */
export const contentAnswer: Schema<string | undefined> = {
  parse(value, path) {
    if (value == null) return undefined;
    const content = Array.isArray(value) ? contentOfTim(value, path) : value;
    if (typeof content !== 'string') throw new SchemaError(`${path} must be a string or a MsgBody list`);
    if (content.length > MAX_CONTENT) throw new SchemaError(`${path} is too long (max ${MAX_CONTENT} characters)`);
    if (content.includes('\0')) throw new SchemaError(`${path} must not contain NUL`);
    return content;
  },
  jsonSchema: () => ({
    description: 'missing or null: unchanged; the content JSON as text (OpenIM), or one TIM element (Tencent MsgBody)',
    oneOf: [{ type: ['string', 'null'], maxLength: MAX_CONTENT }, timBodyView.jsonSchema()],
  }),
};

/** A list answer field: missing or null leaves it as is (an empty list empties it). */
export function optIdList(max: number): Schema<string[] | undefined> {
  return {
    parse(value, path) {
      if (value == null) return undefined;
      if (!Array.isArray(value)) throw new SchemaError(`${path} must be an array`);
      if (value.length > max) throw new SchemaError(`${path} has too many entries (max ${max})`);
      return value.map((id, i) => {
        if (typeof id !== 'string' || id === '' || id.length > LIMITS.id || id.includes('\0'))
          throw new SchemaError(`${path}[${i}] must be a user ID (1 to ${LIMITS.id} characters)`);
        return id;
      });
    },
    jsonSchema: () => ({
      type: ['array', 'null'],
      items: { type: 'string', minLength: 1, maxLength: LIMITS.id },
      maxItems: max,
      description: 'missing or null: unchanged',
    }),
  };
}
