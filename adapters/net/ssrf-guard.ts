import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a URL given to us by a user (an alert destination, a token's logo or metadata URI) may point. In production a
 * request must be https and reach a public address; tests and local runs allow loopback explicitly, never by default.
 */
export interface OutboundPolicy {
  requireHttps: boolean;
  allowLoopback: boolean;
  /** Resolver used at connect time; tests inject one to play DNS rebinding. */
  lookup?: typeof dns.lookup;
}

export const PRODUCTION_POLICY: OutboundPolicy = { requireHttps: true, allowLoopback: false };

/** Production and staging: public https only. Elsewhere http and loopback are allowed for the local test servers. */
export function outboundPolicyFor(environment: string): OutboundPolicy {
  return environment === 'production' || environment === 'staging' ? PRODUCTION_POLICY : { requireHttps: false, allowLoopback: true };
}

export class OutboundBlockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundBlockedError';
  }
}

// Special-purpose ranges (IANA registries): loopback, private, shared, link-local (cloud metadata 169.254.169.254
// and fd00:ec2::254 fall in these), documentation, benchmarking, multicast and reserved.
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it carries. */
function normalize(ip: string): { ip: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return { ip: mapped[1]!, family: 'ipv4' };
  return { ip, family: isIP(ip) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why this address may not be reached under the policy, or undefined when it may. */
export function addressRefusal(address: string, policy: OutboundPolicy): string | undefined {
  if (!isIP(address)) return `${address} is not an IP address`;
  const { ip, family } = normalize(address);
  if (LOOPBACK.check(ip, family)) return policy.allowLoopback ? undefined : `${address} is a loopback address`;
  if (NOT_PUBLIC.check(ip, family)) return `${address} is not a public address`;
  return undefined;
}

/** The URL parsed and checked for what can be judged before any lookup: scheme, credentials, a literal address. */
export function checkOutboundUrl(raw: string | URL, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundBlockedError(`"${String(raw).slice(0, 100)}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !policy.requireHttps)) {
    throw new OutboundBlockedError(`${url.protocol} URLs are not allowed${policy.requireHttps ? ' (https only)' : ''}`);
  }
  if (url.username || url.password) throw new OutboundBlockedError('URLs with credentials are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // Node connects to a literal address without calling lookup, so it is judged here.
  if (isIP(host)) {
    const refusal = addressRefusal(host, policy);
    if (refusal) throw new OutboundBlockedError(refusal);
  } else if (!policy.allowLoopback && /(^|\.)localhost$/i.test(host)) {
    throw new OutboundBlockedError(`${host} is a loopback name`);
  }
  return url;
}

/**
 * A `lookup` for http(s).request that judges every address the name resolves to at connect time, so a name that
 * resolved to a public address when the URL was saved cannot be rebound to an internal one for the request itself.
 */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  const resolve = policy.lookup ?? dns.lookup;
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = (Array.isArray(addresses) ? addresses : [{ address: String(addresses), family: 4 }]) as dns.LookupAddress[];
      const refused = list.map((a) => addressRefusal(a.address, policy)).find(Boolean);
      if (refused || list.length === 0) {
        return callback(new OutboundBlockedError(`${hostname} resolves to a refused address: ${refused ?? 'none'}`), '', 4);
      }
      if ((options as dns.LookupOptions).all) return (callback as any)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
