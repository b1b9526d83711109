// The connection's arguments, from the upgrade request's query (§2.1 of OpenIM's client protocol):
// sendID, token, platformID, operationID, isBackground (required), isMsgResp, sdkType,
// compression (also a header; anything but gzip is none); or all of them in `v`, base64url of a JSON object.

import { ApiError } from '../errors.js';
import { Platform } from '../domain/context.js';

export interface ConnArgs {
  userID: string;
  token: string;
  platformID: number;
  operationID: string;
  background: boolean;
  /** Answer the upgrade with one text frame holding the result (both SDKs ask for it). */
  isMsgResp: boolean;
  sdkType: 'js' | 'go';
  gzip: boolean;
  sdkVersion: string;
}

const refuse = (detail: string) => new ApiError('ConnArgsErr', detail);

/** Go's strconv.ParseBool, which OpenIM uses: anything else is an error. */
function parseBool(v: string | undefined, name: string): boolean {
  if (v === undefined) throw refuse(`${name} is empty`);
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw refuse(`${name} is not a bool: ${JSON.stringify(v.slice(0, 20))}`);
}

function fromV(v: string): Record<string, string | undefined> {
  let o: unknown;
  try {
    o = JSON.parse(Buffer.from(v, 'base64url').toString('utf8'));
  } catch {
    throw refuse('v is not base64url of a JSON object');
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw refuse('v is not base64url of a JSON object');
  const r = o as Record<string, unknown>;
  const s = (x: unknown) => (x === undefined || x === null ? undefined : String(x));
  return {
    sendID: s(r.userID),
    token: s(r.token),
    platformID: s(r.platformID),
    operationID: s(r.operationID),
    compression: s(r.compression),
    sdkType: s(r.sdkType),
    isMsgResp: s(r.sendResponse),
    isBackground: s(r.background) ?? 'false',
    sdkVersion: s(r.sdkVersion),
  };
}

export function parseConnArgs(url: URL, compressionHeader: string | undefined): ConnArgs {
  const q = url.searchParams;
  const v = q.get('v');
  const get: Record<string, string | undefined> = v
    ? fromV(v)
    : Object.fromEntries([...q.entries()].map(([k, val]) => [k, val]));
  const required = (name: string) => {
    const value = get[name];
    if (!value) throw refuse(`${name} is empty`);
    if (value.includes('\0')) throw refuse(`${name} contains NUL`);
    return value;
  };
  const userID = required('sendID');
  const token = required('token');
  const platform = required('platformID');
  if (!/^\d{1,3}$/.test(platform)) throw refuse('platformID is not int');
  const platformID = Number(platform);
  if (platformID < Platform.Min || platformID > Platform.Max)
    throw refuse(`platformID ${platformID} is not a platform`);
  const operationID = required('operationID');
  const background = parseBool(get.isBackground, 'isBackground');
  const isMsgResp = get.isMsgResp === undefined ? false : parseBool(get.isMsgResp, 'isMsgResp');
  const sdkType = get.sdkType ?? '';
  if (sdkType !== '' && sdkType !== 'js' && sdkType !== 'go') throw refuse('sdkType is invalid');
  // As OpenIM: anything but gzip means none.
  const compression = get.compression || compressionHeader || '';
  return {
    userID,
    token,
    platformID,
    operationID,
    background,
    isMsgResp,
    sdkType: sdkType === 'js' ? 'js' : 'go',
    gzip: compression === 'gzip',
    sdkVersion: get.sdkVersion ?? '',
  };
}
