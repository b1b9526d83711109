import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idHash, sameIdHash } from './id-hash.js';

const md5 = (s: string) => BigInt(`0x${createHash('md5').update(s).digest('hex').slice(0, 16)}`);

describe('idHash', () => {
  it("is 0 for no IDs and OpenIM's MD5 prefix otherwise", () => {
    expect(idHash([])).toBe(0n);
    expect(idHash(['a', 'b'])).toBe(md5('["a","b"]'));
    expect(idHash(['x<y&z>'])).toBe(md5('["x\\u003cy\\u0026z\\u003e"]'));
    expect(idHash(['b', 'a'])).not.toBe(idHash(['a', 'b']));
  });

  it('matches a client hash that went through JSON as a number', () => {
    const ids = ['g1', 'g2', 'g3'];
    const wire = JSON.parse(idHash(ids).toString()) as number;
    expect(sameIdHash(ids, wire)).toBe(true);
    expect(sameIdHash(['g1', 'g2'], wire)).toBe(false);
    expect(sameIdHash([], 0)).toBe(true);
  });
});
