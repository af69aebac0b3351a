import { isRecord, list, record, text } from '../model/access.js';
import type { Inventory } from '../model/inventory.js';
import type { PathSegment, Resource } from '../model/resource.js';
import { isEmptySelector, matchesSelector, parseLabelSelector, type LabelSelector } from '../model/selectors.js';
import type { Workload } from '../model/workloads.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface PolicyPort {
  protocol: Protocol;
  /** A number, a named port, or undefined for every port of the protocol. */
  port?: number | string;
  endPort?: number;
}

export type Peer =
  | { type: 'pods'; podSelector?: LabelSelector; namespaceSelector?: LabelSelector; index: number }
  | { type: 'ipBlock'; cidr: string; except: string[]; index: number };

export interface PolicyRule {
  /** Undefined when the rule has no `from`/`to` (or an empty one): every peer. */
  peers?: Peer[];
  /** Undefined when the rule has no `ports` (or an empty list): every port. */
  ports?: PolicyPort[];
  index: number;
}

/** A NetworkPolicy with the API server's defaults applied. */
export interface NetworkPolicyInfo {
  resource: Resource;
  namespace: string;
  podSelector: LabelSelector;
  /** Directions the policy isolates the selected pods in. */
  isolates: { ingress: boolean; egress: boolean };
  ingress: PolicyRule[];
  egress: PolicyRule[];
}

/**
 * Reads a networking.k8s.io/v1 NetworkPolicy. Without policyTypes, the API server sets
 * Ingress always and Egress only when spec.egress has rules
 * (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/).
 */
export function parseNetworkPolicy(resource: Resource): NetworkPolicyInfo {
  const spec = record(resource.body.spec);
  const ingress = parseRules(spec.ingress, 'from');
  const egress = parseRules(spec.egress, 'to');
  const declared = list(spec.policyTypes).filter((type): type is string => typeof type === 'string');
  const isolates = declared.length > 0 ? { ingress: declared.includes('Ingress'), egress: declared.includes('Egress') } : { ingress: true, egress: egress.length > 0 };
  return { resource, namespace: resource.namespace ?? 'default', podSelector: parseLabelSelector(spec.podSelector), isolates, ingress, egress };
}

function parseRules(value: unknown, peerKey: 'from' | 'to'): PolicyRule[] {
  return list(value).flatMap((entry, index) => {
    if (!isRecord(entry)) return [];
    const rule: PolicyRule = { index };
    const peers = list(entry[peerKey]);
    if (peers.length > 0) rule.peers = peers.flatMap((peer, peerIndex) => parsePeer(peer, peerIndex));
    const ports = list(entry.ports);
    if (ports.length > 0) rule.ports = ports.flatMap(parsePort);
    return [rule];
  });
}

function parsePeer(value: unknown, index: number): Peer[] {
  if (!isRecord(value)) return [];
  if (isRecord(value.ipBlock)) {
    const cidr = text(value.ipBlock.cidr);
    if (!cidr) return [];
    return [{ type: 'ipBlock', cidr, except: list(value.ipBlock.except).filter((entry): entry is string => typeof entry === 'string'), index }];
  }
  const peer: Peer = { type: 'pods', index };
  if (value.podSelector !== undefined && value.podSelector !== null) peer.podSelector = parseLabelSelector(value.podSelector);
  if (value.namespaceSelector !== undefined && value.namespaceSelector !== null) peer.namespaceSelector = parseLabelSelector(value.namespaceSelector);
  return [peer];
}

function parsePort(value: unknown): PolicyPort[] {
  if (!isRecord(value)) return [];
  const protocol = (text(value.protocol) ?? 'TCP') as Protocol;
  const port: PolicyPort = { protocol };
  if (typeof value.port === 'number' || typeof value.port === 'string') port.port = value.port;
  if (typeof value.endPort === 'number') port.endPort = value.endPort;
  return [port];
}

export function selects(policy: NetworkPolicyInfo, workload: Workload): boolean {
  return policy.namespace === workload.namespace && matchesSelector(policy.podSelector, workload.podLabels);
}

/** True for a peer that stands for every source: no `from`, all namespaces and pods, or an ipBlock of every address. */
export function isAnySource(rule: PolicyRule): { any: boolean; peer?: Peer } {
  if (!rule.peers) return { any: true };
  for (const peer of rule.peers) {
    if (peer.type === 'ipBlock' && (peer.cidr === '0.0.0.0/0' || peer.cidr === '::/0') && peer.except.length === 0) return { any: true, peer };
    if (peer.type === 'pods' && peer.namespaceSelector && isEmptySelector(peer.namespaceSelector) && (!peer.podSelector || isEmptySelector(peer.podSelector))) return { any: true, peer };
  }
  return { any: false };
}

export function rulePath(kind: 'ingress' | 'egress', rule: PolicyRule, peer?: Peer): PathSegment[] {
  const base: PathSegment[] = ['spec', kind, rule.index];
  return peer ? [...base, kind === 'ingress' ? 'from' : 'to', peer.index] : base;
}

const cache = new WeakMap<Inventory, NetworkPolicyInfo[]>();

/** Returns every NetworkPolicy of the Inventory, parsed once. */
export function networkPolicies(inventory: Inventory): NetworkPolicyInfo[] {
  let policies = cache.get(inventory);
  if (!policies) {
    policies = inventory.ofKind('NetworkPolicy', 'networking.k8s.io').map(parseNetworkPolicy);
    cache.set(inventory, policies);
  }
  return policies;
}
