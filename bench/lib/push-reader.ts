// The load clients' reading of a push (PushMessages): only what they check (per message of the
// `msgs` map: its conversation, seq, clientMsgID and content), straight off the protobuf wire, so
// that the clients, who share the 2 cores with the server, spend little per delivery. The gateway
// tests decode pushes in full; this reads the same bytes.

export interface PushedMsg {
  conversationID: string;
  seq: number;
  clientMsgID: string;
  content: Uint8Array;
}

class Reader {
  pos: number;
  constructor(
    readonly b: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  varint(): number {
    let n = 0;
    let mul = 1;
    for (;;) {
      const byte = this.b[this.pos++]!;
      n += (byte & 0x7f) * mul;
      if (byte < 0x80) return n;
      mul *= 128;
    }
  }

  /** The next field's number and wire type, or undefined at the end. */
  tag(): { field: number; wire: number } | undefined {
    if (this.pos >= this.end) return undefined;
    const t = this.varint();
    return { field: Math.floor(t / 8), wire: t & 7 };
  }

  /** A length-delimited field's bounds. */
  bytes(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    this.pos += len;
    return [start, this.pos];
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`wire type ${wire}`);
  }
}

const utf8 = new TextDecoder();

function readMsg(b: Uint8Array, [start, end]: [number, number], conversationID: string): PushedMsg {
  const r = new Reader(b, start, end);
  const m: PushedMsg = { conversationID, seq: 0, clientMsgID: '', content: new Uint8Array() };
  for (let t = r.tag(); t; t = r.tag()) {
    if (t.field === 14 && t.wire === 0) m.seq = r.varint();
    else if (t.field === 4 && t.wire === 2) m.clientMsgID = utf8.decode(b.subarray(...r.bytes()));
    else if (t.field === 12 && t.wire === 2) m.content = b.subarray(...r.bytes());
    else r.skip(t.wire);
  }
  return m;
}

/** The messages of a PushMessages' `msgs` (field 1: map<string, PullMsgs>), in order. */
export function readPush(b: Uint8Array): PushedMsg[] {
  const out: PushedMsg[] = [];
  const r = new Reader(b, 0, b.length);
  for (let t = r.tag(); t; t = r.tag()) {
    if (t.field !== 1 || t.wire !== 2) {
      r.skip(t.wire);
      continue;
    }
    const entry = new Reader(b, ...r.bytes());
    let conversationID = '';
    let pulled: [number, number] | undefined;
    for (let e = entry.tag(); e; e = entry.tag()) {
      if (e.field === 1 && e.wire === 2) conversationID = utf8.decode(b.subarray(...entry.bytes()));
      else if (e.field === 2 && e.wire === 2) pulled = entry.bytes();
      else entry.skip(e.wire);
    }
    if (!pulled) continue;
    const p = new Reader(b, ...pulled);
    for (let f = p.tag(); f; f = p.tag()) {
      if (f.field === 1 && f.wire === 2) out.push(readMsg(b, p.bytes(), conversationID));
      else p.skip(f.wire);
    }
  }
  return out;
}
