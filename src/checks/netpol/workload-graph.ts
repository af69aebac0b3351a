// Shared by the netpol checks: the engine's workloads, the needed flows between them, and
// the Linkerd membership of each. Built once per Inventory.
import { stableSelector } from '../../harden/stable-labels.js';
import { neededFlowsOf } from '../../model/cluster-flows.js';
import type { Flow } from '../../model/flows.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import type { LabelSelector } from '../../model/selectors.js';
import type { Workload } from '../../model/workloads.js';
import { ConnectionSet, isProtocol } from '../../netpol/connections.js';
import { analyse, classConnections, type Analysis } from '../../netpol/connectivity.js';
import { IntervalSet } from '../../netpol/intervals.js';
import type { WorkloadPeer } from '../../netpol/peers.js';
import type { Protocol } from '../../netpol/policy.js';
import { meshOfWorkload } from '../../transport/mesh.js';

/** A needed flow whose both ends are workloads of the input, as the engine names them. */
export interface WorkloadFlow {
  flow: Flow;
  source: WorkloadPeer;
  destination: WorkloadPeer;
  protocol: Protocol;
}

export interface WorkloadGraph {
  analysis: Analysis;
  /** The Workloads behind each engine workload (several for Pods of one owner that is not in the input). */
  workloadsOf: Map<WorkloadPeer, Workload[]>;
  flows: WorkloadFlow[];
  /** Engine workloads whose every Workload gets a Linkerd proxy. */
  linkerdMeshed: Set<WorkloadPeer>;
}

const cache = new WeakMap<Inventory, WorkloadGraph>();

export function workloadGraph(inventory: Inventory): WorkloadGraph {
  const cached = cache.get(inventory);
  if (cached) return cached;

  const analysis = analyse(inventory);
  const peerOf = new Map<Resource, WorkloadPeer>();
  for (const peer of analysis.peers.workloads) for (const resource of peer.resources) peerOf.set(resource, peer);
  const workloadsOf = new Map<WorkloadPeer, Workload[]>();
  for (const workload of inventory.workloads) {
    const peer = peerOf.get(workload.resource);
    if (!peer) continue;
    const bucket = workloadsOf.get(peer);
    if (bucket) bucket.push(workload);
    else workloadsOf.set(peer, [workload]);
  }

  const linkerdMeshed = new Set<WorkloadPeer>();
  for (const [peer, workloads] of workloadsOf) {
    if (workloads.every((workload) => meshOfWorkload(workload, inventory).mesh === 'linkerd')) linkerdMeshed.add(peer);
  }

  // Flows from or to pods outside the input (kube-dns, the Linkerd control plane, unnamed clients) have no workload end.
  const flows: WorkloadFlow[] = [];
  for (const flow of neededFlowsOf(inventory)) {
    if (flow.source.type !== 'workload' || !flow.destination || !isProtocol(flow.protocol)) continue;
    const source = peerOf.get(flow.source.workload.resource);
    const destination = peerOf.get(flow.destination.resource);
    if (source && destination) flows.push({ flow, source, destination, protocol: flow.protocol });
  }

  const graph: WorkloadGraph = { analysis, workloadsOf, flows, linkerdMeshed };
  cache.set(inventory, graph);
  return graph;
}

/** Connections the policies allow from one workload to another: the union over their pod classes. */
export function workloadConnections(analysis: Analysis, source: WorkloadPeer, destination: WorkloadPeer): ConnectionSet {
  let sum = ConnectionSet.none;
  for (const from of source.classes) {
    for (const to of destination.classes) sum = sum.union(classConnections(analysis, from, to));
  }
  return sum;
}

export function singlePort(protocol: Protocol, port: number): ConnectionSet {
  return ConnectionSet.of(protocol, IntervalSet.of(port, port));
}

/**
 * Writes the pod labels that a policy should select a workload by, as a YAML flow mapping such as
 * `{app: "web"}`. These are the labels `harden netpol` chooses: the fewest that survive rollouts
 * and upgrades and tell its pods apart from the namespace's other workloads. Returns undefined
 * when its pods carry no such label.
 */
export function stableLabels(inventory: Inventory, graph: WorkloadGraph, peer: WorkloadPeer): string | undefined {
  const own = graph.workloadsOf.get(peer) ?? [];
  const [first] = own;
  if (!first) return undefined;
  const neighbours = inventory.workloadsIn(peer.namespace).filter((other) => other === first || !own.includes(other));
  const selector = stableSelector(first, neighbours);
  if (!selector) return undefined;
  return `{${Object.entries(selector).map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(', ')}}`;
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Tells whether the API server would reject a selector: malformed, or with an operator it does not know. */
export function isRejectedSelector(selector: LabelSelector): boolean {
  return selector.invalid === true || selector.matchExpressions.some((expression) => !OPERATORS.has(expression.operator));
}

/** Orders engine workloads by id, in UTF-16 code units as the report does. */
export function compareIds(a: WorkloadPeer, b: WorkloadPeer): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
