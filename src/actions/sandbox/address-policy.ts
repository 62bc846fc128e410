import { isIPv4, isIPv6 } from 'node:net';

/*
 * Which addresses an action's `fetch` may connect to: public unicast only. Every range that reaches the
 * server itself, its private network or its link (loopback, RFC 1918, CGNAT, link-local, unspecified,
 * multicast, IPv6 ULA and the like) is refused, and so is every IPv6 form that embeds an IPv4 address
 * (mapped, compatible, NAT64, 6to4) when the embedded address is refused.
 */

/** [first octets as a prefix, prefix length in bits, why it is refused] */
type Range = [number[], number, string];

const IPV4_REFUSED: Range[] = [
  [[0], 8, 'unspecified ("this network")'],
  [[10], 8, 'private'],
  [[100, 64], 10, 'shared address space (CGNAT)'],
  [[127], 8, 'loopback'],
  [[169, 254], 16, 'link-local'],
  [[172, 16], 12, 'private'],
  [[192, 0, 0], 24, 'IETF protocol assignments'],
  [[192, 0, 2], 24, 'documentation'],
  [[192, 88, 99], 24, '6to4 relay anycast'],
  [[192, 168], 16, 'private'],
  [[198, 18], 15, 'benchmarking'],
  [[198, 51, 100], 24, 'documentation'],
  [[203, 0, 113], 24, 'documentation'],
  [[224], 4, 'multicast'],
  [[240], 4, 'reserved'],
];

const IPV6_REFUSED: Range[] = [
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'discard-only'],
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'documentation'],
  [[0x20, 0x01, 0x00], 23, 'IETF protocol assignments (Teredo, ORCHID, ...)'],
  [[0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48, 'local-use NAT64'],
  [[0xfc], 7, 'unique local (ULA)'],
  [[0xfe, 0x80], 10, 'link-local'],
  [[0xfe, 0xc0], 10, 'site-local'],
  [[0xff], 8, 'multicast'],
];

/**
 * Why `address` (an IPv4 or IPv6 literal, as DNS or the URL parser gives it) may not be fetched, or
 * undefined when it is a public unicast address. Anything that is not an IP literal is refused too.
 */
export function refusedAddress(address: string): string | undefined {
  const bytes = parseIp(address);
  if (!bytes) {
    return 'not an IP address';
  }
  return bytes.length === 4 ? refusedIpv4(bytes) : refusedIpv6(bytes);
}

function refusedIpv4(b: number[]): string | undefined {
  if (b.every((x) => x === 255)) {
    return 'broadcast';
  }
  return IPV4_REFUSED.find(([prefix, bits]) => inPrefix(b, prefix, bits))?.[2];
}

function refusedIpv6(b: number[]): string | undefined {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 15) && b[15] === 0) {
    return 'unspecified';
  }
  if (zeros(0, 15) && b[15] === 1) {
    return 'loopback';
  }
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated), 64:ff9b::a.b.c.d (NAT64 well-known prefix):
  // the host would reach the embedded IPv4 address, so that address decides.
  const mapped = zeros(0, 10) && b[10] === 0xff && b[11] === 0xff;
  const nat64 = inPrefix(b, [0x00, 0x64, 0xff, 0x9b], 32) && zeros(4, 12);
  if (mapped || zeros(0, 12) || nat64) {
    const inner = refusedIpv4(b.slice(12));
    return inner && `${inner} (IPv4 inside IPv6)`;
  }
  // 2002:a.b.c.d::/48 (6to4) embeds an IPv4 address in bits 16 to 48.
  if (b[0] === 0x20 && b[1] === 0x02) {
    const inner = refusedIpv4(b.slice(2, 6));
    return inner && `${inner} (IPv4 inside 6to4)`;
  }
  return IPV6_REFUSED.find(([prefix, bits]) => inPrefix(b, prefix, bits))?.[2];
}

function inPrefix(bytes: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < bits; i += 8) {
    const width = Math.min(8, bits - i);
    const mask = (0xff << (8 - width)) & 0xff;
    if ((bytes[i / 8] & mask) !== ((prefix[i / 8] ?? 0) & mask)) {
      return false;
    }
  }
  return true;
}

/** 4 bytes for an IPv4 literal, 16 for an IPv6 one (brackets and a zone id are allowed), else undefined. */
export function parseIp(raw: string): number[] | undefined {
  const address = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (isIPv4(address)) {
    return address.split('.').map(Number);
  }
  const unzoned = address.split('%')[0];
  if (!isIPv6(address) || !isIPv6(unzoned)) {
    return undefined;
  }
  let text = unzoned.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const words = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right].map((w) => parseInt(w, 16));
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}
