import { IntervalSet } from './intervals.js';
import type { Protocol } from './policy.js';

export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export type PortSet = IntervalSet<number>;

const ALL_PORTS: PortSet = IntervalSet.of(MIN_PORT, MAX_PORT);
const NO_PORTS: PortSet = IntervalSet.empty();

/** The connections allowed between two peers: a set of destination ports per protocol. */
export class ConnectionSet {
  private constructor(private readonly ports: Readonly<Record<Protocol, PortSet>>) {}

  static readonly none = new ConnectionSet({ TCP: NO_PORTS, UDP: NO_PORTS, SCTP: NO_PORTS });
  static readonly all = new ConnectionSet({ TCP: ALL_PORTS, UDP: ALL_PORTS, SCTP: ALL_PORTS });

  static of(protocol: Protocol, ports: PortSet = ALL_PORTS): ConnectionSet {
    return new ConnectionSet({ ...ConnectionSet.none.ports, [protocol]: ports.intersect(ALL_PORTS) });
  }

  static ofPorts(ports: Readonly<Record<Protocol, PortSet>>): ConnectionSet {
    return new ConnectionSet({ TCP: ports.TCP.intersect(ALL_PORTS), UDP: ports.UDP.intersect(ALL_PORTS), SCTP: ports.SCTP.intersect(ALL_PORTS) });
  }

  portsOf(protocol: Protocol): PortSet {
    return this.ports[protocol];
  }

  isEmpty(): boolean {
    return PROTOCOLS.every((protocol) => this.ports[protocol].isEmpty());
  }

  isAll(): boolean {
    return PROTOCOLS.every((protocol) => this.ports[protocol].equals(ALL_PORTS));
  }

  equals(other: ConnectionSet): boolean {
    return PROTOCOLS.every((protocol) => this.ports[protocol].equals(other.ports[protocol]));
  }

  union(other: ConnectionSet): ConnectionSet {
    if (other.isEmpty() || this.isAll()) return this;
    if (this.isEmpty() || other.isAll()) return other;
    return this.combine(other, (a, b) => a.union(b));
  }

  intersect(other: ConnectionSet): ConnectionSet {
    if (other.isAll() || this.isEmpty()) return this;
    if (this.isAll() || other.isEmpty()) return other;
    return this.combine(other, (a, b) => a.intersect(b));
  }

  subtract(other: ConnectionSet): ConnectionSet {
    return this.combine(other, (a, b) => a.subtract(b));
  }

  allows(protocol: Protocol, port: number): boolean {
    return this.ports[protocol].contains(port);
  }

  /** np-guard's form: `All Connections`, or `TCP 80,8080-8090,UDP 53`. */
  toString(): string {
    if (this.isAll()) return 'All Connections';
    if (this.isEmpty()) return 'No Connections';
    return this.entries()
      .map(({ protocol, ranges }) => `${protocol} ${ranges.map(formatRange).join(',')}`)
      .join(',');
  }

  /** Protocols with their port ranges, for the JSON and CSV reports. */
  entries(): { protocol: Protocol; ranges: [number, number][] }[] {
    return PROTOCOLS.filter((protocol) => !this.ports[protocol].isEmpty()).map((protocol) => ({ protocol, ranges: this.ports[protocol].ranges.map(([start, end]) => [start, end] as [number, number]) }));
  }

  private combine(other: ConnectionSet, operation: (a: PortSet, b: PortSet) => PortSet): ConnectionSet {
    return new ConnectionSet({ TCP: operation(this.ports.TCP, other.ports.TCP), UDP: operation(this.ports.UDP, other.ports.UDP), SCTP: operation(this.ports.SCTP, other.ports.SCTP) });
  }
}

export function formatRange([start, end]: readonly [number, number]): string {
  return start === end ? String(start) : `${start}-${end}`;
}

export function isProtocol(value: string): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}
