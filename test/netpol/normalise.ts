// Turns connlist lines into a canonical form, so that two lists with the same meaning compare
// equal however they split address ranges and port lists.
import { IntervalSet } from '../../src/netpol/intervals.js';
import { parseAddress } from '../../src/netpol/ipsets.js';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
type Ports = Record<(typeof PROTOCOLS)[number], IntervalSet<number>>;

function parseConnections(text: string): Ports {
  const ports: Ports = { TCP: IntervalSet.empty(), UDP: IntervalSet.empty(), SCTP: IntervalSet.empty() };
  if (text.trim() === 'All Connections') {
    for (const protocol of PROTOCOLS) ports[protocol] = IntervalSet.of(1, 65535);
    return ports;
  }
  let current: (typeof PROTOCOLS)[number] | undefined;
  for (const piece of text.split(',').map((part) => part.trim())) {
    const match = /^(?:(TCP|UDP|SCTP)\s*)?(\d+)?(?:-(\d+))?$/.exec(piece);
    if (!match) throw new Error(`unreadable connections "${text}"`);
    if (match[1]) current = match[1] as typeof current;
    if (!current) throw new Error(`port without a protocol in "${text}"`);
    const range = match[2] === undefined ? IntervalSet.of(1, 65535) : IntervalSet.of(Number(match[2]), Number(match[3] ?? match[2]));
    ports[current] = ports[current].union(range);
  }
  return ports;
}

function parseExternal(name: string): { family: number; start: bigint; end: bigint } | undefined {
  const match = /^(.+)-(.+)\[External\]$/.exec(name);
  if (!match) return undefined;
  const start = parseAddress(match[1]);
  const end = parseAddress(match[2]);
  if (!start || !end) throw new Error(`unreadable address range ${name}`);
  return { family: start.family, start: start.value, end: end.value };
}

/** Returns sorted lines `src => dst : PROTO ports`, with external ranges merged where they allow the same ports. */
export function canonicalConnlist(text: string): string[] {
  const internal = new Map<string, Ports>();
  const external = new Map<string, { start: bigint; end: bigint; ports: Ports }[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const match = /^(.+?) => (.+?) : (.+)$/.exec(line);
    if (!match) throw new Error(`unreadable connlist line "${line}"`);
    const [, source, destination, connections] = match;
    const ports = parseConnections(connections);
    const sourceRange = parseExternal(source);
    const destinationRange = parseExternal(destination);
    const range = sourceRange ?? destinationRange;
    if (range) {
      const key = sourceRange ? `External/IPv${range.family} => ${destination}` : `${source} => External/IPv${range.family}`;
      const list = external.get(key) ?? [];
      list.push({ start: range.start, end: range.end, ports });
      external.set(key, list);
      continue;
    }
    const key = `${source} => ${destination}`;
    const existing = internal.get(key);
    internal.set(key, existing ? unionPorts(existing, ports) : ports);
  }

  const lines: string[] = [];
  for (const [key, ports] of internal) lines.push(...portLines(key, ports));
  for (const [key, entries] of external) {
    const bounds = [...new Set(entries.flatMap((entry) => [entry.start, entry.end + 1n]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let previous: { start: bigint; end: bigint; ports: Ports } | undefined;
    const pieces: { start: bigint; end: bigint; ports: Ports }[] = [];
    for (let index = 0; index + 1 < bounds.length; index++) {
      const start = bounds[index];
      const end = bounds[index + 1] - 1n;
      const covering = entries.filter((entry) => entry.start <= start && end <= entry.end);
      if (covering.length === 0) {
        previous = undefined;
        continue;
      }
      const ports = covering.map((entry) => entry.ports).reduce(unionPorts);
      if (previous && previous.end + 1n === start && samePorts(previous.ports, ports)) previous.end = end;
      else {
        previous = { start, end, ports };
        pieces.push(previous);
      }
    }
    for (const piece of pieces) lines.push(...portLines(`${key} ${piece.start}-${piece.end}`, piece.ports));
  }
  return lines.sort();
}

function unionPorts(a: Ports, b: Ports): Ports {
  return { TCP: a.TCP.union(b.TCP), UDP: a.UDP.union(b.UDP), SCTP: a.SCTP.union(b.SCTP) };
}

function samePorts(a: Ports, b: Ports): boolean {
  return PROTOCOLS.every((protocol) => a[protocol].equals(b[protocol]));
}

function portLines(key: string, ports: Ports): string[] {
  return PROTOCOLS.flatMap((protocol) => ports[protocol].ranges.map(([start, end]) => `${key} : ${protocol} ${start}-${end}`));
}
