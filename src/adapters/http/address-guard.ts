import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Guards outbound callbacks (postHttpUrl) against server-side request
 * forgery: a job submitter must not be able to make the worker POST to the
 * metadata service, the database or anything else on the private network.
 */

export interface GuardOptions {
  /** true → private, loopback and link-local targets are allowed (development only) */
  allowPrivate: boolean;
  /** exact host names or CIDRs (a bare IP counts as /32 or /128) that are allowed even if private */
  allowedHosts?: string[];
}

/** Resolves a host name to every address it has (A and AAAA). */
export type HostLookup = (host: string) => Promise<string[]>;

/** A callback URL or the address it resolves to is not acceptable; retrying cannot help. */
export class AddressRefused extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`callback URL refused: ${reason} (${shorten(url)})`);
    this.name = 'AddressRefused';
  }
}

// Everything that is not a public unicast address. The documentation ranges
// (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32) are left out on
// purpose: they route nowhere, and tests use them as stand-ins for public hosts.
// Each range with what a refusal calls it.
const NON_PUBLIC_V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'a "this network" address'], // 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address (the cloud metadata service lives there)'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'an IETF protocol address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'], // used inside some data centres
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'], // includes the broadcast address 255.255.255.255
];
const NON_PUBLIC_V6: Array<[string, number, string]> = [
  ['::', 128, 'the unspecified address'],
  ['::1', 128, 'a loopback address'],
  ['100::', 64, 'a discard-only address'],
  ['fc00::', 7, 'a unique-local address'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'], // deprecated, still honoured by some stacks
  ['ff00::', 8, 'a multicast address'],
];

const nonPublic = new BlockList();
for (const [net, prefix] of NON_PUBLIC_V4) nonPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of NON_PUBLIC_V6) nonPublic.addSubnet(net, prefix, 'ipv6');

const labelled = [...NON_PUBLIC_V4.map((r) => [...r, 'ipv4'] as const), ...NON_PUBLIC_V6.map((r) => [...r, 'ipv6'] as const)].map(
  ([net, prefix, label, family]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, family);
    return { list, family, label };
  },
);

/** What kind of non-public address `ip` is, for refusal messages ("a loopback address"). */
export function describeAddress(ip: string): string {
  const address = stripZone(ip);
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const embedded = family === 6 ? embeddedIpv4(ipv6Words(address)) : undefined;
  const [plain, kind] = embedded !== undefined ? [embedded, 'ipv4' as const] : [address, family === 4 ? ('ipv4' as const) : ('ipv6' as const)];
  return labelled.find((r) => r.family === kind && r.list.check(plain, kind))?.label ?? 'a public address';
}

/**
 * Whether an address is loopback, private, link-local, CGNAT, multicast or
 * otherwise not a public unicast address. IPv6 forms that carry an IPv4
 * address (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d) are judged by that
 * IPv4 address. Anything that is not an IP address at all counts as private,
 * so a caller that forgot to resolve a name fails closed.
 */
export function isPrivateAddress(ip: string): boolean {
  const address = stripZone(ip);
  const family = isIP(address);
  if (family === 4) return nonPublic.check(address, 'ipv4');
  if (family !== 6) return true;
  const embedded = embeddedIpv4(ipv6Words(address));
  if (embedded !== undefined) return nonPublic.check(embedded, 'ipv4');
  return nonPublic.check(address, 'ipv6');
}

/**
 * Parses a callback URL: http or https only, a host, no user name or
 * password (they would be sent to the receiver in clear and end up in job
 * logs) and a usable port.
 */
export function validateCallbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AddressRefused(raw, 'not an absolute URL');
  }
  if (url.username || url.password) {
    const shown = new URL(url.href);
    shown.username = '';
    shown.password = '';
    throw new AddressRefused(shown.href, 'user name or password in the URL (credentials are not allowed)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AddressRefused(raw, `scheme ${url.protocol} (expected http: or https:)`);
  }
  if (!url.hostname) throw new AddressRefused(raw, 'no host');
  // The WHATWG parser already rejects ports above 65535; 0 still gets through.
  if (url.port !== '' && Number(url.port) < 1) throw new AddressRefused(raw, `port ${url.port} (expected 1 to 65535)`);
  return url;
}

/** dns.lookup rather than dns.resolve: it follows /etc/hosts and the system resolver, as the HTTP client would. */
const systemLookup: HostLookup = async (host) => (await dnsLookup(host, { all: true })).map((a) => a.address);

/**
 * Resolves the URL's host to every address it has and returns the one to
 * connect to. Refused when any address is private (and not allowed): a
 * name with one public and one private record must not be usable to reach
 * the private one. The caller must connect to the returned IP instead of
 * resolving the name again, otherwise a DNS answer that changes between
 * check and connect (DNS rebinding) would bypass the guard.
 *
 * Lookup failures (no such host, resolver down) are passed through unchanged:
 * they are network errors, not refusals.
 */
export async function resolveAllowed(url: URL, opts: GuardOptions, lookup: HostLookup = systemLookup): Promise<string> {
  const allow = compileAllowList(opts.allowedHosts ?? []);
  const host = hostOf(url);
  const literal = isIP(host) !== 0;
  const addresses = literal ? [host] : await lookup(host);
  if (addresses.length === 0) throw new Error(`${host} resolved to no address`);
  const nameAllowed = !literal && allow.names.has(host);
  for (const address of addresses) {
    if (isIP(stripZone(address)) === 0) throw new AddressRefused(url.href, `${host} resolved to '${address}', which is not an IP address`);
    if (opts.allowPrivate || nameAllowed || !isPrivateAddress(address) || allow.matches(address)) continue;
    const via = literal ? '' : ` (${host} resolves to it)`;
    throw new AddressRefused(url.href, `${address} is ${describeAddress(address)}${via}`);
  }
  return addresses[0]!;
}

/**
 * Checks allowedHosts once, so a configuration mistake is a start-up error
 * rather than a refusal of every callback at run time.
 */
export function assertGuardOptions(opts: GuardOptions): void {
  compileAllowList(opts.allowedHosts ?? []);
}

interface AllowList {
  names: Set<string>;
  matches(address: string): boolean;
}

function compileAllowList(entries: readonly string[]): AllowList {
  const names = new Set<string>();
  const cidrs = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    const [net, prefixText, ...rest] = entry.split('/');
    const family = isIP(net!);
    if (prefixText === undefined && family === 0) {
      if (!/^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?\.?$/.test(entry)) throw badEntry(raw);
      names.add(entry.replace(/\.$/, ''));
      continue;
    }
    const max = family === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (family === 0 || rest.length > 0 || !/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) throw badEntry(raw);
    cidrs.addSubnet(net!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return {
    names,
    matches(address) {
      const plain = stripZone(address);
      const family = isIP(plain);
      if (family === 0) return false;
      if (family === 4) return cidrs.check(plain, 'ipv4');
      const mapped = mappedIpv4(ipv6Words(plain));
      return cidrs.check(plain, 'ipv6') || (mapped !== undefined && cidrs.check(mapped, 'ipv4'));
    },
  };
}

function badEntry(raw: string): TypeError {
  return new TypeError(`allowedHosts: expected a host name or a CIDR such as 10.0.0.0/8 or fd00::/8, received '${shorten(raw)}'`);
}

/** The URL's host as the resolver and the allow list see it: no IPv6 brackets, no trailing dot. */
function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

function stripZone(ip: string): string {
  const zone = ip.indexOf('%');
  return zone === -1 ? ip : ip.slice(0, zone);
}

/** The eight 16-bit words of a valid IPv6 address (a dotted IPv4 tail included). */
function ipv6Words(ip: string): number[] {
  // '::ffff:127.0.0.1' → '::ffff:7f00:1', so only hex words remain
  const text = ip.replace(
    /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
    (_m, a: string, b: string, c: string, d: string) => `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const words = (part: string | undefined) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const [headText, tailText] = text.split('::');
  const head = words(headText);
  const tail = words(tailText);
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

const asIpv4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** ::ffff:a.b.c.d — how dual-stack sockets show IPv4 peers. */
function mappedIpv4(w: number[]): string | undefined {
  return w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff ? asIpv4(w[6]!, w[7]!) : undefined;
}

/** An IPv4 address inside an IPv6 one that a host or gateway would reach as IPv4. */
function embeddedIpv4(w: number[]): string | undefined {
  const mapped = mappedIpv4(w);
  if (mapped !== undefined) return mapped;
  const low = asIpv4(w[6]!, w[7]!);
  // ::a.b.c.d (deprecated IPv4-compatible), but not :: and ::1 themselves
  if (w.slice(0, 6).every((x) => x === 0) && (w[6] !== 0 || w[7]! > 1)) return low;
  // ::ffff:0:a.b.c.d (SIIT) and 64:ff9b::a.b.c.d (NAT64 well-known prefix)
  if (w.slice(0, 4).every((x) => x === 0) && w[4] === 0xffff && w[5] === 0) return low;
  if (w[0] === 0x64 && w[1] === 0xff9b && w.slice(2, 6).every((x) => x === 0)) return low;
  return undefined;
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
