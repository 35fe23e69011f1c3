import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import dns from 'node:dns';
import { Unprocessable } from '../shared/errors.js';

// Where the shop may send webhooks. An endpoint URL is the staff's input, and the server
// POSTs to it: pointed at loopback, link-local (cloud metadata at 169.254.169.254) or the
// private network, it would reach services that trust the shop's network. So in production
// every address the hostname resolves to must be public, checked when the endpoint is
// registered and again at each delivery (DNS may have changed), on the very address the
// connection uses (`guardedLookup`), unless the operator allows private addresses.

/** Whether private addresses are refused: in production, unless WEBHOOKS_ALLOW_PRIVATE_URLS is on. */
export type UrlPolicy = { blockPrivate: boolean };
export const urlPolicyOf = (config: { NODE_ENV: string; WEBHOOKS_ALLOW_PRIVATE_URLS: boolean }): UrlPolicy => ({
  blockPrivate: config.NODE_ENV === 'production' && !config.WEBHOOKS_ALLOW_PRIVATE_URLS,
});

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 reaches the host itself
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback, and the deprecated IPv4-compatible ::a.b.c.d
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10], // site-local, deprecated but still routed privately
  ['ff00::', 8], // multicast
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:10.0.0.1, however it is spelled). */
function mappedIpv4(address: string): string | undefined {
  // the URL parser writes every IPv6 address one canonical way: ::ffff:a00:1
  const canonical = new URL(`http://[${address}]`).hostname.slice(1, -1);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  const v4 = mappedIpv4(address);
  if (v4) return isPublicAddress(v4);
  return !NOT_PUBLIC.check(address, 'ipv6');
}

/** The URL's host as an address or a name (URLs bracket IPv6 literals). */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Checks an endpoint URL: http(s), no credentials in it, and under `blockPrivate` every
 * address its host resolves to public. A refusal is a 422 with its own code.
 */
export async function checkEndpointUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Unprocessable('WEBHOOK_URL_INVALID', 'The endpoint URL is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Unprocessable('WEBHOOK_URL_INVALID', 'The endpoint URL must be http:// or https://');
  if (url.username || url.password)
    throw new Unprocessable('WEBHOOK_URL_HAS_CREDENTIALS', 'The endpoint URL must not carry a user name or password; the signature authenticates the shop');
  if (policy.blockPrivate) assertPublic(await addressesOf(hostOf(url)));
  return url;
}

async function addressesOf(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw new Unprocessable('WEBHOOK_URL_UNRESOLVABLE', `The endpoint's host ${host} does not resolve`);
  }
}

function assertPublic(addresses: string[]) {
  const inside = addresses.find((address) => !isPublicAddress(address));
  if (inside !== undefined)
    throw new Unprocessable('WEBHOOK_URL_PRIVATE', `The endpoint resolves to ${inside}, a loopback, link-local or private address`, { address: inside });
}

/**
 * A `lookup` for the delivery's socket that refuses private addresses: the connection goes to
 * the address checked here, so a name that re-resolves elsewhere between the check and the
 * connection (DNS rebinding) cannot slip through.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const inside = addresses.find((a) => !isPublicAddress(a.address));
    if (inside) return callback(Object.assign(new Error(`refused: ${hostname} resolves to ${inside.address}, a private address`), { code: 'EPRIVATE' }), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};
