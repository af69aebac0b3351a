import { isIPv4, isIPv6 } from 'node:net';
import { IntervalSet } from './intervals.js';

/** A set of addresses of one family: IPv4 as 32-bit, IPv6 as 128-bit numbers. */
export type AddressSet = IntervalSet<bigint>;
export type Family = 4 | 6;

export const FAMILY_BITS: Record<Family, number> = { 4: 32, 6: 128 };

export function everyAddress(family: Family): AddressSet {
  return IntervalSet.of(0n, (1n << BigInt(FAMILY_BITS[family])) - 1n);
}

/** Reads `10.0.0.0/8` or `fd00::/8`; undefined for anything the API server would reject. */
export function parseCidr(cidr: string): { family: Family; addresses: AddressSet } | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0) return undefined;
  const address = cidr.slice(0, slash);
  const prefixText = cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const family: Family | undefined = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  if (!family) return undefined;
  const bits = FAMILY_BITS[family];
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const value = family === 4 ? parseIPv4(address) : parseIPv6(address);
  const hostBits = BigInt(bits - prefix);
  // Host bits set after the prefix are ignored, as the kernel does with a route.
  const start = (value >> hostBits) << hostBits;
  return { family, addresses: IntervalSet.of(start, start + (1n << hostBits) - 1n) };
}

function parseIPv4(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function parseIPv6(address: string): bigint {
  let text = address;
  // An IPv4 tail (::ffff:10.0.0.1) becomes two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...restGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

export function formatAddress(value: bigint, family: Family): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => (value >> shift) & 0xffffn);
  // Shorten the longest run of zero groups (two or more) to `::`, as RFC 5952 section 4.2.3 requires.
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0n) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** np-guard's form of an address range: `10.0.0.0-10.255.255.255`. */
export function formatAddressRange(start: bigint, end: bigint, family: Family): string {
  return `${formatAddress(start, family)}-${formatAddress(end, family)}`;
}

export function familyOfRange(text: string): Family {
  return text.includes(':') ? 6 : 4;
}

/** Reads an address as `formatAddress` writes it. */
export function parseAddress(text: string): { family: Family; value: bigint } | undefined {
  if (isIPv4(text)) return { family: 4, value: parseIPv4(text) };
  if (isIPv6(text)) return { family: 6, value: parseIPv6(text) };
  return undefined;
}
