// OpenIM's idHash: a client sends the hash of the IDs it holds and gets `equal: true` instead of
// the list when the server's hash matches (its hashutil.IdHash: the first 8 bytes, big-endian, of
// the MD5 of the IDs as a JSON array; 0 for none).

import { createHash } from 'node:crypto';

/** Go's json.Marshal escapes <, > and & (and U+2028/9) where JSON.stringify does not. */
const goJson = (value: unknown) =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The first 8 bytes, big-endian, of the MD5 of the value as Go's json.Marshal writes it. */
export const jsonHash = (value: unknown): bigint => createHash('md5').update(goJson(value)).digest().readBigUInt64BE(0);

export function idHash(ids: readonly string[]): bigint {
  if (ids.length === 0) return 0n;
  return jsonHash(ids);
}

/**
 * Whether a client's idHash matches. The client's number arrives through JSON, which keeps 53 bits
 * of a 64-bit hash: compare at that precision (a false match needs the top 53 bits to collide).
 */
export const sameIdHash = (ids: readonly string[], fromClient: number) => Number(idHash(ids)) === fromClient;
