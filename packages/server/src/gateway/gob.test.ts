import { describe, expect, it } from 'vitest';
import { decodeGob, encodeGob, GobError, type GobField } from './gob.js';

const RESP: GobField[] = [
  { name: 'ReqIdentifier', type: 'int' },
  { name: 'ErrCode', type: 'int' },
  { name: 'ErrMsg', type: 'string' },
  { name: 'MsgIncr', type: 'string' },
  { name: 'OperationID', type: 'string' },
  { name: 'Data', type: 'bytes' },
];

const hex = (s: string) => s.replace(/\s+/g, '');
const str = (s: string) => Buffer.from(s).toString('hex');
const field = (name: string, typeHex: string) =>
  `01 ${name.length.toString(16).padStart(2, '0')} ${str(name)} 01 ${typeHex} 00`;

describe('gob', () => {
  it('encodes a response exactly as the wasm SDK accepted it (ReqIdentifier 1006, MsgIncr bob_1)', () => {
    const bytes = encodeGob('GeneralWsResp', RESP, {
      ReqIdentifier: 1006,
      MsgIncr: 'bob_1',
      OperationID: 'op',
      Data: Uint8Array.from([0x0a, 0x00]),
    });
    const definition = hex(
      `69 ff81 03 01 01 0d ${str('GeneralWsResp')} 01 ff82 00 01 06
       ${field('ReqIdentifier', '04')} ${field('ErrCode', '04')} ${field('ErrMsg', '0c')}
       ${field('MsgIncr', '0c')} ${field('OperationID', '0c')} ${field('Data', '0a')} 00 00`,
    );
    const value = hex(`16 ff82 01 fe07dc 03 05 ${str('bob_1')} 01 02 ${str('op')} 01 02 0a00 00`);
    expect(Buffer.from(bytes).toString('hex')).toBe(definition + value);
  });

  it('reads back what it writes, negative and large integers and errors included', () => {
    const value = {
      ReqIdentifier: 2001,
      ErrCode: -1502,
      ErrMsg: 'TokenInvalidError é',
      MsgIncr: 'u_42',
      Data: new Uint8Array(300).fill(7),
    };
    expect(decodeGob(encodeGob('Resp', RESP, value))).toEqual(value);
    expect(decodeGob(encodeGob('Resp', RESP, { ReqIdentifier: 2 ** 40 }))).toEqual({ ReqIdentifier: 2 ** 40 });
  });

  it('writes a Data of several MiB (a large pull), which no argument list could hold', () => {
    const data = new Uint8Array(4 * 1024 * 1024).map((_, i) => i % 251);
    const back = decodeGob(encodeGob('Resp', RESP, { ReqIdentifier: 1002, Data: data }));
    expect(Buffer.from(back.Data as Uint8Array).equals(Buffer.from(data))).toBe(true);
  });

  it("reads a client's GeneralWsReq whatever order its fields are declared in", () => {
    const req: GobField[] = [
      { name: 'SendID', type: 'string' },
      { name: 'ReqIdentifier', type: 'int' },
      { name: 'Token', type: 'string' },
      { name: 'OperationID', type: 'string' },
      { name: 'MsgIncr', type: 'string' },
      { name: 'Data', type: 'bytes' },
    ];
    const frame = encodeGob('GeneralWsReq', req, {
      SendID: 'bob',
      ReqIdentifier: 1006,
      MsgIncr: 'bob_1',
      OperationID: 'op',
    });
    expect(decodeGob(frame)).toEqual({ SendID: 'bob', ReqIdentifier: 1006, MsgIncr: 'bob_1', OperationID: 'op' });
  });

  it('refuses frames that are cut short, carry no value, or name undefined fields', () => {
    const frame = encodeGob('GeneralWsResp', RESP, { ReqIdentifier: 1006, MsgIncr: 'x' });
    for (const cut of [1, 10, frame.length - 1]) expect(() => decodeGob(frame.slice(0, cut))).toThrow(GobError);
    expect(() => decodeGob(frame.slice(0, 0x6a))).toThrow('no value');
    expect(() => decodeGob(Uint8Array.from([0x03, 0xff, 0x82, 0x00]))).toThrow('undefined type');
    expect(() => decodeGob(Uint8Array.from([0x09, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7]))).toThrow(GobError);
  });
});
