// Reading a request's protobuf: bytes that are not the message, or lists longer than the REST API
// accepts, are the client's error (ArgsError), not the server's.

import { LIMITS } from '@huddle/protocol';
import { args } from '../../errors.js';
import { decode, type OpenIMMessage, type OpenIMMessageName } from '../../wire/openim-proto.js';

/** The request's message; ArgsError when the bytes are not one. */
export function requestOf<N extends OpenIMMessageName>(name: N, data: Uint8Array): OpenIMMessage<N> {
  try {
    return decode(name, data);
  } catch (err) {
    throw args(`data is not a protobuf ${name}: ${(err as Error).message}`);
  }
}

/** Refuses a list of more than LIMITS.list entries, as the REST routes do. */
export function atMost<T>(field: string, list: readonly T[], max: number = LIMITS.list): readonly T[] {
  if (list.length > max) throw args(`${field} has ${list.length} entries; at most ${max} are accepted`);
  return list;
}
