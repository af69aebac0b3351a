import type { Inventory } from '../model/inventory.js';
import { matchesSelector } from '../model/selectors.js';
import { ConnectionSet } from './connections.js';
import { IntervalSet } from './intervals.js';
import { FAMILY_BITS, type AddressSet, type Family } from './ipsets.js';
import { buildPeers, type PeerModel, type PodClass } from './peers.js';
import { networkPolicies, type NetworkPolicyInfo, type Peer } from './policy.js';
import { peerAddresses, ruleConnections, rulesOf, type Direction, type RuleRef } from './rules.js';

/** The policies of one direction that select one pod class, and the rules by peer. */
export interface Allowance {
  /** Policies of this direction that select the class; none means the class is not isolated. */
  policies: NetworkPolicyInfo[];
  /** Rules without peers: they admit every pod and every address. */
  wildcard: RuleRef[];
  /** Rules whose pod peers match a class, by that class's index. */
  byClass: Map<number, RuleRef[]>;
  /** Rules with ipBlock peers, with the addresses they name. */
  byAddress: { ref: RuleRef; family: Family; addresses: AddressSet }[];
}

export interface Analysis {
  peers: PeerModel;
  policies: NetworkPolicyInfo[];
  /** The cluster's ingress controller, as a source class of its own. */
  ingressController: PodClass;
  ingress: Allowance[];
  egress: Allowance[];
  /** Address families that appear in the input's ipBlocks; IPv4 always. */
  families: Family[];
}

/**
 * Where the ingress controller runs, when the user says so: its namespace and pod labels. It is
 * not in the input, so without this only peers that admit any pod of any namespace
 * (`namespaceSelector: {}`, or no peers) match it, as np-guard treats it.
 */
export interface IngressControllerLocation {
  namespace: string;
  podLabels: Record<string, string>;
}

/** Bucket of the ingress controller among the namespaces a namespaceSelector matches. */
const INGRESS_CONTROLLER_NAMESPACE = '{ingress-controller}';

const cache = new WeakMap<Inventory, Map<string, Analysis>>();

/**
 * Builds the pod classes and, for each class and direction, the rules that admit traffic.
 * With `ingressController`, the controller is matched by its namespace's labels and its pod
 * labels, and the policies of its namespace that select it limit its egress.
 */
export function analyse(inventory: Inventory, ingressController?: IngressControllerLocation): Analysis {
  const key = ingressController ? JSON.stringify([ingressController.namespace, Object.entries(ingressController.podLabels).sort()]) : '';
  let byLocation = cache.get(inventory);
  if (!byLocation) {
    byLocation = new Map();
    cache.set(inventory, byLocation);
  }
  const cached = byLocation.get(key);
  if (cached) return cached;
  const analysis = buildAnalysis(inventory, ingressController);
  byLocation.set(key, analysis);
  return analysis;
}

/** True when the analysis places the ingress controller in a namespace given by the user. */
export function isIngressControllerLocated(analysis: Analysis): boolean {
  return analysis.ingressController.namespace !== INGRESS_CONTROLLER_NAMESPACE;
}

function buildAnalysis(inventory: Inventory, location: IngressControllerLocation | undefined): Analysis {
  const peers = buildPeers(inventory);
  const policies = networkPolicies(inventory);
  const ingressController: PodClass = {
    index: peers.classes.length,
    namespace: location?.namespace ?? INGRESS_CONTROLLER_NAMESPACE,
    namespaceLabels: location ? (inventory.namespaces.get(location.namespace)?.labels ?? { 'kubernetes.io/metadata.name': location.namespace }) : {},
    podLabels: location ? { ...location.podLabels } : {},
    namedPorts: new Map(),
    namedPortsKey: '',
    workloads: [],
  };
  const emptyAllowance = (): Allowance => ({ policies: [], wildcard: [], byClass: new Map(), byAddress: [] });
  const ingress = [...peers.classes, ingressController].map(emptyAllowance);
  const egress = [...peers.classes, ingressController].map(emptyAllowance);
  const families = new Set<Family>([4]);

  const namespaceMatches = new Map<string, string[]>();
  const matchPeer = (policy: NetworkPolicyInfo, peer: PodPeer): PodClass[] => peerClasses({ peers, ingressController }, policy, peer, namespaceMatches);

  for (const policy of policies) {
    const selected = (peers.classesByNamespace.get(policy.namespace) ?? []).filter((podClass) => matchesSelector(policy.podSelector, podClass.podLabels));
    if (location && policy.namespace === location.namespace && matchesSelector(policy.podSelector, ingressController.podLabels)) selected.push(ingressController);
    for (const direction of ['ingress', 'egress'] as const) {
      if (!policy.isolates[direction]) continue;
      const allowances = direction === 'ingress' ? ingress : egress;
      for (const podClass of selected) allowances[podClass.index].policies.push(policy);
      for (const rule of rulesOf(policy, direction)) {
        const ref: RuleRef = { policy, direction, rule };
        if (!rule.peers) {
          for (const podClass of selected) allowances[podClass.index].wildcard.push(ref);
          continue;
        }
        for (const peer of rule.peers) {
          if (peer.type === 'ipBlock') {
            const block = peerAddresses(peer);
            if (!block) continue;
            families.add(block.family);
            for (const podClass of selected) allowances[podClass.index].byAddress.push({ ref, family: block.family, addresses: block.addresses });
            continue;
          }
          const matched = matchPeer(policy, peer);
          for (const podClass of selected) {
            const byClass = allowances[podClass.index].byClass;
            for (const other of matched) {
              const refs = byClass.get(other.index);
              if (!refs) byClass.set(other.index, [ref]);
              else if (refs[refs.length - 1] !== ref) refs.push(ref);
            }
          }
        }
      }
    }
  }

  return { peers, policies, ingressController, ingress, egress, families: [...families].sort() };
}

type PodPeer = Extract<Peer, { type: 'pods' }>;

/**
 * Returns the pod classes, the ingress controller's included, that a `pods` peer of `policy`
 * matches. `namespaceMatches` caches the namespaces of each namespaceSelector across calls.
 */
export function peerClasses(analysis: Pick<Analysis, 'peers' | 'ingressController'>, policy: NetworkPolicyInfo, peer: PodPeer, namespaceMatches: Map<string, string[]>): PodClass[] {
  const { peers, ingressController } = analysis;
  // A peer with only a podSelector means pods of the policy's own namespace; a namespaceSelector widens it.
  let namespaces: string[];
  if (!peer.namespaceSelector) namespaces = [policy.namespace];
  else {
    const key = JSON.stringify(peer.namespaceSelector);
    let matched = namespaceMatches.get(key);
    if (!matched) {
      matched = [...peers.classesByNamespace.keys()].filter((name) => matchesSelector(peer.namespaceSelector!, peers.classesByNamespace.get(name)![0].namespaceLabels));
      if (matchesSelector(peer.namespaceSelector, ingressController.namespaceLabels)) matched.push(INGRESS_CONTROLLER_NAMESPACE);
      namespaceMatches.set(key, matched);
    }
    namespaces = matched;
  }
  // A peer without namespaceSelector matches the ingress controller only when it runs in the policy's namespace.
  if (!peer.namespaceSelector && ingressController.namespace === policy.namespace) namespaces = [...namespaces, INGRESS_CONTROLLER_NAMESPACE];
  const out: PodClass[] = [];
  for (const namespace of namespaces) {
    const candidates = namespace === INGRESS_CONTROLLER_NAMESPACE ? [ingressController] : (peers.classesByNamespace.get(namespace) ?? []);
    for (const candidate of candidates) {
      if (!peer.podSelector || matchesSelector(peer.podSelector, candidate.podLabels)) out.push(candidate);
    }
  }
  return out;
}

const peerMatchCache = new WeakMap<Analysis, Map<string, string[]>>();

/** Returns the pod classes a `pods` peer of `policy` matches in an analysis, as analyse matched them. */
export function matchPeer(analysis: Analysis, policy: NetworkPolicyInfo, peer: PodPeer): PodClass[] {
  let namespaceMatches = peerMatchCache.get(analysis);
  if (!namespaceMatches) {
    namespaceMatches = new Map();
    peerMatchCache.set(analysis, namespaceMatches);
  }
  return peerClasses(analysis, policy, peer, namespaceMatches);
}

/** Rules of `allowance` that admit the pod class `other`, or undefined when the class is not isolated. */
export function rulesForClass(allowance: Allowance, other: PodClass): RuleRef[] | undefined {
  if (allowance.policies.length === 0) return undefined;
  const specific = allowance.byClass.get(other.index);
  return specific ? [...allowance.wildcard, ...specific] : allowance.wildcard;
}

/** Rules of `allowance` that admit every address of `block`, or undefined when the class is not isolated. */
export function rulesForAddresses(allowance: Allowance, family: Family, block: AddressSet): RuleRef[] | undefined {
  if (allowance.policies.length === 0) return undefined;
  return [...allowance.wildcard, ...allowance.byAddress.filter((entry) => entry.family === family && entry.addresses.covers(block)).map((entry) => entry.ref)];
}

/** Union of what `rules` admit towards `destination`; every connection when `rules` is undefined. */
export function admitted(rules: RuleRef[] | undefined, destination: PodClass | undefined): ConnectionSet {
  if (!rules) return ConnectionSet.all;
  let sum = ConnectionSet.none;
  for (const ref of rules) {
    sum = sum.union(ruleConnections(ref.rule, destination));
    if (sum.isAll()) break;
  }
  return sum;
}

/** Connections from pod class `source` to pod class `destination`: the source's egress and the destination's ingress must both admit them. */
export function classConnections(analysis: Analysis, source: PodClass, destination: PodClass): ConnectionSet {
  const outgoing = admitted(rulesForClass(analysis.egress[source.index], destination), destination);
  if (outgoing.isEmpty()) return outgoing;
  return outgoing.intersect(admitted(rulesForClass(analysis.ingress[destination.index], source), destination));
}

/**
 * Splits each family's address space at every bound of the ipBlocks of one direction, so
 * that each piece is treated alike by every rule, as np-guard lists external peers.
 */
export function addressBlocks(analysis: Analysis, direction: Direction): { family: Family; block: AddressSet }[] {
  const allowances = direction === 'ingress' ? analysis.ingress : analysis.egress;
  const blocks: { family: Family; block: AddressSet }[] = [];
  for (const family of analysis.families) {
    const last = (1n << BigInt(FAMILY_BITS[family])) - 1n;
    const bounds = new Set<bigint>([0n]);
    const seen = new Set<AddressSet>();
    for (const allowance of allowances) {
      for (const entry of allowance.byAddress) {
        if (entry.family !== family || seen.has(entry.addresses)) continue;
        seen.add(entry.addresses);
        for (const bound of entry.addresses.boundaries()) if (bound <= last) bounds.add(bound);
      }
    }
    const sorted = [...bounds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    sorted.forEach((start, index) => {
      const end = index + 1 < sorted.length ? sorted[index + 1] - 1n : last;
      blocks.push({ family, block: IntervalSet.of(start, end) });
    });
  }
  return blocks;
}


/** Returns the pod classes of its namespace that a policy's podSelector selects, as analyse selected them. */
export function selectedClasses(analysis: Analysis, policy: NetworkPolicyInfo): PodClass[] {
  return (analysis.peers.classesByNamespace.get(policy.namespace) ?? []).filter((podClass) => matchesSelector(policy.podSelector, podClass.podLabels));
}
