// The endpoints of a configuration document: the top-level one ("default": url, signingSecret,
// paused and the hook entries at the top) and each entry of `endpoints`. Changing one gives a new
// document to save whole with /callback/set_config.

import { isHookEntry, isObject, type Doc } from './callbackConfigFields';

export interface EndpointDoc {
  name: string;
  url: string;
  dialect: string;
  signingSecret: string;
  paused: boolean;
  hooksOn: number;
  /** Its index in `endpoints`; undefined for the top-level one. */
  index: number | undefined;
}

const countOn = (hooks: Doc) => Object.values(hooks).filter((h) => isHookEntry(h) && h.enable === true).length;

export function endpointsOf(doc: Doc): EndpointDoc[] {
  const named = Array.isArray(doc.endpoints) ? (doc.endpoints as unknown[]).filter(isObject) : [];
  return [
    {
      name: 'default',
      url: String(doc.url ?? ''),
      dialect: 'openim',
      signingSecret: String(doc.signingSecret ?? ''),
      paused: doc.paused === true,
      hooksOn: countOn(doc),
      index: undefined,
    },
    ...named.map((e, index) => ({
      name: String(e.name ?? ''),
      url: String(e.url ?? ''),
      dialect: String(e.dialect ?? 'openim'),
      signingSecret: String(e.signingSecret ?? ''),
      paused: e.paused === true,
      hooksOn: isObject(e.hooks) ? countOn(e.hooks) : 0,
      index,
    })),
  ];
}

/** The document with one endpoint's fields replaced (a field set to undefined is removed). */
export function withEndpoint(doc: Doc, endpoint: EndpointDoc, change: Doc): Doc {
  const apply = (target: Doc) => {
    const next = { ...target, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete next[k];
    return next;
  };
  if (endpoint.index === undefined) return apply(doc);
  const list = (doc.endpoints as Doc[]).map((e, i) => (i === endpoint.index ? apply(e) : e));
  return { ...doc, endpoints: list };
}

/** A fresh Standard Webhooks secret: whsec_ and the base64 of 32 random bytes. */
export function newSigningSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** The secret with all but its prefix and last four characters hidden. */
export const maskSecret = (secret: string) => (secret ? `whsec_••••••••${secret.slice(-4)}` : '');
