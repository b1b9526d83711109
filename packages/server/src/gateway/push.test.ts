// The pusher's order across instances: a push of seq 11 to a client that has had 9 is preceded by
// 10, read from the database, and 10 arriving later from the other instance is not pushed twice.

import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../storage/records.js';
import type { Connection } from './connection.js';
import { Pusher } from './push.js';
import { Registry } from './registry.js';

const C = 'sg_walkers';
const message = (seq: number, conversationID = C) => ({ conversationID, seq }) as MessageRecord;

/** A pusher with one client connection; `sent` lists the seqs it was pushed, `loads` the ranges read. */
function setup() {
  const sent: number[] = [];
  const loads: [string, number, number][] = [];
  const client = {
    userID: 'ann',
    framing: { name: 'json', encode: (frame: { data: Uint8Array }) => Buffer.from(frame.data) },
    sendEncoded: (frame: Buffer) => sent.push(...JSON.parse(frame.toString())),
  } as unknown as Connection;
  const registry = new Registry();
  registry.add(client);
  const pusher = new Pusher({
    registry,
    readers: async () => ['ann'],
    encode: (messages) => Buffer.from(JSON.stringify(messages.map((m) => m.seq))),
    load: async (conversationID, from, to) => {
      loads.push([conversationID, from, to]);
      return Array.from({ length: to - from + 1 }, (_, i) => message(from + i, conversationID));
    },
    onError: (err) => {
      throw err;
    },
  });
  return { pusher, sent, loads, registry, client };
}

describe('the pusher across instances', () => {
  it('fills a gap before a newer seq and drops the late copy of what it filled', async () => {
    const { pusher, sent, loads } = setup();
    await pusher.push([message(9)], 'op');
    await pusher.push([message(11)], 'op'); // committed here while 10, from the other instance, is on its way
    expect(sent).toEqual([9, 10, 11]);
    expect(loads).toEqual([[C, 10, 10]]);
    await pusher.pushLoaded(C, 10, 10, 'op'); // 10 arrives over the bus
    expect(sent).toEqual([9, 10, 11]);
    await pusher.pushLoaded(C, 12, 13, 'op');
    expect(sent).toEqual([9, 10, 11, 12, 13]);
    expect(loads).toEqual([
      [C, 10, 10],
      [C, 12, 13],
    ]);
  });

  it('reads only the part of a relayed range not pushed yet, and the gap before it', async () => {
    const { pusher, sent, loads } = setup();
    await pusher.push([message(5), message(6)], 'op');
    await pusher.pushLoaded(C, 5, 8, 'op');
    await pusher.pushLoaded(C, 11, 11, 'op'); // 9 and 10 still on their way from a third instance
    expect(sent).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(loads).toEqual([
      [C, 7, 8],
      [C, 9, 11],
    ]);
  });

  it('fills no gap it cannot know of, or one too wide to be a race', async () => {
    const { pusher, sent, loads } = setup();
    await pusher.push([message(40)], 'op'); // first seen: what came before is the client's own sync
    await pusher.push([message(500)], 'op'); // 459 missing: not a race; clients pull on reconnecting
    await pusher.push([message(3, 'si_ann_bob')], 'op');
    expect(sent).toEqual([40, 500, 3]);
    expect(loads).toEqual([]);
  });

  it('still pushes older seqs that arrive after a newer one it saw first, once', async () => {
    const { pusher, sent } = setup();
    await pusher.push([message(11)], 'op'); // first seen: nothing known below 11
    await pusher.pushLoaded(C, 10, 10, 'op'); // 10 was committed first, on the other instance
    await pusher.pushLoaded(C, 10, 10, 'op'); // a repeat is dropped
    expect(sent).toEqual([11, 10]);
  });

  it('still pushes the seqs of a gap too wide to fill when they arrive', async () => {
    const { pusher, sent } = setup();
    await pusher.push([message(40)], 'op');
    await pusher.push([message(500)], 'op');
    await pusher.pushLoaded(C, 41, 499, 'op'); // a burst the bus brings late
    expect(sent).toHaveLength(2 + 459);
    expect(sent.slice(0, 4)).toEqual([40, 500, 41, 42]);
    await pusher.pushLoaded(C, 41, 45, 'op');
    await pusher.push([message(501)], 'op');
    expect(sent.slice(-2)).toEqual([499, 501]);
  });

  it('keeps count while nobody is connected, so a later client gets no stale gap', async () => {
    const { pusher, sent, loads, registry, client } = setup();
    await pusher.push([message(1)], 'op');
    registry.remove(client);
    await pusher.push([message(2)], 'op');
    await pusher.pushLoaded(C, 3, 4, 'op');
    registry.add(client);
    await pusher.push([message(5)], 'op');
    expect(sent).toEqual([1, 5]);
    expect(loads).toEqual([]);
  });
});
