import { ConnectionSet, isProtocol, type PortSet } from './connections.js';
import { IntervalSet } from './intervals.js';
import { parseCidr, type AddressSet, type Family } from './ipsets.js';
import type { PodClass } from './peers.js';
import type { NetworkPolicyInfo, Peer, PolicyPort, PolicyRule } from './policy.js';

export type Direction = 'ingress' | 'egress';

/** One rule of one policy, in one direction. */
export interface RuleRef {
  policy: NetworkPolicyInfo;
  direction: Direction;
  rule: PolicyRule;
}

const connectionCache = new WeakMap<PolicyRule, Map<string, ConnectionSet>>();

/**
 * Returns the connections a rule admits towards `destination`: the pod that receives them (the
 * selected pod for an ingress rule, the peer for an egress rule), or undefined for an address
 * outside the cluster. A named port matches only the destination's container ports of that
 * name and of the rule's protocol, so it never matches an address outside the cluster
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports).
 */
export function ruleConnections(rule: PolicyRule, destination: PodClass | undefined): ConnectionSet {
  if (!rule.ports) return ConnectionSet.all;
  const key = destination?.namedPortsKey ?? '';
  let cache = connectionCache.get(rule);
  if (!cache) {
    cache = new Map();
    connectionCache.set(rule, cache);
  }
  let connections = cache.get(key);
  if (!connections) {
    connections = rule.ports.reduce((sum, entry) => sum.union(portEntryConnections(entry, destination)), ConnectionSet.none);
    cache.set(key, connections);
  }
  return connections;
}

function portEntryConnections(entry: PolicyPort, destination: PodClass | undefined): ConnectionSet {
  // The API server accepts only TCP, UDP and SCTP; anything else would be rejected, so it admits nothing.
  if (!isProtocol(entry.protocol)) return ConnectionSet.none;
  if (entry.port === undefined) return ConnectionSet.of(entry.protocol);
  if (typeof entry.port === 'number') {
    if (!Number.isInteger(entry.port)) return ConnectionSet.none;
    const end = entry.endPort !== undefined && entry.endPort >= entry.port ? entry.endPort : entry.port;
    return ConnectionSet.of(entry.protocol, IntervalSet.of(entry.port, end));
  }
  const named = destination?.namedPorts.get(entry.port) ?? [];
  const ports: PortSet = IntervalSet.from(named.filter((port) => port.protocol === entry.protocol).map((port) => [port.port, port.port] as const));
  return ConnectionSet.of(entry.protocol, ports);
}

/** Returns the addresses of an ipBlock peer: its CIDR minus every `except` of the same family. */
export function peerAddresses(peer: Extract<Peer, { type: 'ipBlock' }>): { family: Family; addresses: AddressSet } | undefined {
  const block = parseCidr(peer.cidr);
  if (!block) return undefined;
  let addresses = block.addresses;
  for (const except of peer.except) {
    const cut = parseCidr(except);
    if (cut && cut.family === block.family) addresses = addresses.subtract(cut.addresses);
  }
  return { family: block.family, addresses };
}

export function rulesOf(policy: NetworkPolicyInfo, direction: Direction): PolicyRule[] {
  return direction === 'ingress' ? policy.ingress : policy.egress;
}
