// Go's encoding/gob, as far as OpenIM's Go and wasm SDKs use it on the WebSocket: every frame is a
// fresh gob stream holding one struct type definition and one value of it. The client sends
// GeneralWsReq {ReqIdentifier int, Token, SendID, OperationID, MsgIncr string, Data []byte}; the
// server answers a struct with ReqIdentifier, ErrCode, ErrMsg, MsgIncr, OperationID, Data. gob
// matches fields by name, so only these few shapes are needed (no gob library for JavaScript is
// maintained; the format is documented in Go's encoding/gob package).

/** gob's built-in type IDs used here. */
const INT = 2;
const BYTES = 5;
const STRING = 6;
/** The first ID a stream gives a type of its own. */
const FIRST_USER_TYPE = 65;

export type GobValue = number | string | Uint8Array;
export type GobField = { name: string; type: 'int' | 'string' | 'bytes' };

const TYPE_ID = { int: INT, string: STRING, bytes: BYTES } as const;

// ---- writing

/** Joins byte arrays without spreading them into arguments (a large Data would overflow the stack). */
function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

class Writer {
  private readonly parts: Uint8Array[] = [];
  /** Small values not yet moved to `parts`. */
  private pending: number[] = [];
  uint(n: number): this {
    if (n < 128) this.pending.push(n);
    else {
      const be: number[] = [];
      for (let v = BigInt(n); v > 0n; v >>= 8n) be.unshift(Number(v & 0xffn));
      this.pending.push(256 - be.length, ...be);
    }
    return this;
  }
  int(n: number): this {
    return this.uint(n >= 0 ? n * 2 : (-n - 1) * 2 + 1);
  }
  string(s: string): this {
    return this.raw(new TextEncoder().encode(s));
  }
  raw(b: Uint8Array): this {
    this.uint(b.length);
    this.flush();
    this.parts.push(b);
    return this;
  }
  done(): Uint8Array {
    this.flush();
    return concat(this.parts);
  }
  private flush(): void {
    if (this.pending.length === 0) return;
    this.parts.push(Uint8Array.from(this.pending));
    this.pending = [];
  }
}

/** A message: its byte count, then the (signed) type ID, then the body. */
function message(typeID: number, body: Uint8Array): Uint8Array {
  const head = new Writer().int(typeID).done();
  return concat([new Writer().uint(head.length + body.length).done(), head, body]);
}

/** One gob stream: the struct's type definition, then one value; zero fields are left out, as Go does. */
export function encodeGob(typeName: string, fields: readonly GobField[], value: Readonly<Record<string, GobValue>>) {
  const def = new Writer()
    .uint(3) // wireType.StructT
    .uint(1) // structType.CommonType
    .uint(1)
    .string(typeName)
    .uint(1)
    .int(FIRST_USER_TYPE)
    .uint(0)
    .uint(1) // structType.Field
    .uint(fields.length);
  for (const f of fields) def.uint(1).string(f.name).uint(1).int(TYPE_ID[f.type]).uint(0);
  def.uint(0).uint(0);
  const body = new Writer();
  let last = -1;
  fields.forEach((f, i) => {
    const v = value[f.name];
    if (v === undefined || v === 0 || v === '' || (v instanceof Uint8Array && v.length === 0)) return;
    body.uint(i - last);
    last = i;
    if (f.type === 'int') body.int(v as number);
    else if (f.type === 'string') body.string(v as string);
    else body.raw(v as Uint8Array);
  });
  body.uint(0);
  return concat([message(-FIRST_USER_TYPE, def.done()), message(FIRST_USER_TYPE, body.done())]);
}

// ---- reading

class Reader {
  at = 0;
  constructor(private readonly b: Uint8Array) {}
  get more(): boolean {
    return this.at < this.b.length;
  }
  byte(): number {
    if (this.at >= this.b.length) throw new GobError('frame ends in the middle of a value');
    return this.b[this.at++]!;
  }
  uint(): number {
    const first = this.byte();
    if (first < 128) return first;
    const n = 256 - first;
    if (n > 8) throw new GobError('integer longer than 8 bytes');
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.byte());
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new GobError('integer too large');
    return Number(v);
  }
  int(): number {
    const u = this.uint();
    return u % 2 === 0 ? u / 2 : -(u - 1) / 2 - 1;
  }
  bytes(): Uint8Array {
    const n = this.uint();
    if (this.at + n > this.b.length) throw new GobError('length past the end of the frame');
    const out = this.b.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }
  string(): string {
    return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes());
  }
}

export class GobError extends Error {
  constructor(message: string) {
    super(`gob: ${message}`);
    this.name = 'GobError';
  }
}

/** Reads a struct type definition: its fields, by name and built-in type ID. */
function readDefinition(r: Reader): { name: string; type: number }[] {
  if (r.uint() !== 3) throw new GobError('only struct types are expected');
  if (r.uint() !== 1 || r.uint() !== 1) throw new GobError('malformed struct type');
  r.string(); // the type's name: gob matches fields, not type names
  if (r.uint() !== 1) throw new GobError('malformed struct type');
  r.int();
  if (r.uint() !== 0) throw new GobError('malformed struct type');
  const fields: { name: string; type: number }[] = [];
  if (r.uint() === 1) {
    const count = r.uint();
    for (let i = 0; i < count; i++) {
      if (r.uint() !== 1) throw new GobError('malformed field');
      const name = r.string();
      if (r.uint() !== 1) throw new GobError('malformed field');
      const type = r.int();
      if (r.uint() !== 0) throw new GobError('malformed field');
      fields.push({ name, type });
    }
    if (r.uint() !== 0) throw new GobError('malformed struct type');
  }
  if (r.uint() !== 0) throw new GobError('malformed type definition');
  return fields;
}

/** Decodes one gob stream of a struct of ints, strings and byte slices: field name -> value. */
export function decodeGob(frame: Uint8Array): Record<string, GobValue> {
  const r = new Reader(frame);
  const types = new Map<number, { name: string; type: number }[]>();
  while (r.more) {
    const length = r.uint();
    const end = r.at + length;
    if (end > frame.length) throw new GobError('message longer than the frame');
    const typeID = r.int();
    if (typeID < 0) {
      types.set(-typeID, readDefinition(r));
    } else {
      const fields = types.get(typeID);
      if (!fields) throw new GobError(`value of undefined type ${typeID}`);
      const out: Record<string, GobValue> = {};
      for (let i = -1; ; ) {
        const delta = r.uint();
        if (delta === 0) break;
        i += delta;
        const f = fields[i];
        if (!f) throw new GobError(`field ${i} is not defined`);
        if (f.type === INT) out[f.name] = r.int();
        else if (f.type === STRING) out[f.name] = r.string();
        else if (f.type === BYTES) out[f.name] = r.bytes();
        else throw new GobError(`field ${f.name} has a type this server does not read`);
      }
      if (r.at !== end) throw new GobError('value does not fill its message');
      return out;
    }
    if (r.at !== end) throw new GobError('type definition does not fill its message');
  }
  throw new GobError('no value in the frame');
}
