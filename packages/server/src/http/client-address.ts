// The API caller's address (Tencent's ClientIP). Behind a load balancer the socket's peer is the
// proxy, so X-Forwarded-For is read, but only when the peer is a proxy the operator trusts
// (HUDDLE_TRUSTED_PROXIES): anyone else could write any address into that header.

import type { IncomingMessage } from 'node:http';

const plain = (addr: string) => (addr.startsWith('::ffff:') ? addr.slice(7) : addr).trim();

export function clientAddressOf(trustedProxies: ReadonlySet<string>): (req: IncomingMessage) => string {
  return (req) => {
    let addr = plain(req.socket.remoteAddress ?? '');
    if (trustedProxies.size === 0 || !trustedProxies.has(addr)) return addr;
    // Walk the chain from the nearest hop: the first address not of a trusted proxy is the client.
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map(plain).filter(Boolean);
    while (hops.length > 0 && trustedProxies.has(addr)) addr = hops.pop()!;
    return addr;
  };
}
