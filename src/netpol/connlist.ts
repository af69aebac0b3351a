import type { Inventory } from '../model/inventory.js';
import { ingressBackends } from './backends.js';
import { ConnectionSet } from './connections.js';
import { addressBlocks, admitted, analyse, classConnections, rulesForAddresses, rulesForClass, type Analysis } from './connectivity.js';
import { formatAddressRange, type Family } from './ipsets.js';
import type { PodClass, WorkloadPeer } from './peers.js';

export const INGRESS_CONTROLLER = '{ingress-controller}';

export type Endpoint =
  | { type: 'workload'; workload: WorkloadPeer }
  | { type: 'external'; family: Family; start: bigint; end: bigint }
  | { type: 'ingress-controller' };

export interface Connection {
  source: Endpoint;
  destination: Endpoint;
  connections: ConnectionSet;
}

/** Returns the name connlist prints: `ns/name[Kind]`, `10.0.0.0-10.255.255.255[External]` or `{ingress-controller}`. */
export function endpointName(endpoint: Endpoint): string {
  if (endpoint.type === 'workload') return endpoint.workload.id;
  if (endpoint.type === 'ingress-controller') return INGRESS_CONTROLLER;
  return `${formatAddressRange(endpoint.start, endpoint.end, endpoint.family)}[External]`;
}

/**
 * Lists every allowed connection between workloads, addresses outside the cluster and the
 * ingress controller. Connections of a workload to itself are left out, as np-guard does.
 */
export function connlist(inventory: Inventory): Connection[] {
  const analysis = analyse(inventory);
  const connections = [...workloadConnections(analysis), ...externalConnections(analysis), ...ingressControllerConnections(inventory, analysis)];
  return connections.sort((a, b) => compareText(endpointName(a.source), endpointName(b.source)) || compareText(endpointName(a.destination), endpointName(b.destination)));
}

function workloadConnections(analysis: Analysis): Connection[] {
  const { classes } = analysis.peers;
  const byPair = new Map<string, Connection>();
  for (const source of classes) {
    const egress = analysis.egress[source.index];
    // An egress-isolated class without wildcard rules reaches only the classes its rules name.
    const candidates = egress.policies.length > 0 && egress.wildcard.length === 0 ? [...egress.byClass.keys()].map((index) => classes[index]).filter((podClass): podClass is PodClass => podClass !== undefined) : classes;
    for (const destination of candidates) {
      const allowed = classConnections(analysis, source, destination);
      if (allowed.isEmpty()) continue;
      for (const from of source.workloads) {
        for (const to of destination.workloads) {
          if (from === to) continue;
          addConnection(byPair, { type: 'workload', workload: from }, { type: 'workload', workload: to }, allowed);
        }
      }
    }
  }
  return [...byPair.values()];
}

function externalConnections(analysis: Analysis): Connection[] {
  const out: Connection[] = [];
  for (const direction of ['egress', 'ingress'] as const) {
    const blocks = addressBlocks(analysis, direction);
    const allowances = direction === 'egress' ? analysis.egress : analysis.ingress;
    for (const workload of analysis.peers.workloads) {
      for (const { family, block } of blocks) {
        let allowed = ConnectionSet.none;
        for (const podClass of workload.classes) {
          // Traffic from outside is received by the pod, so named ports resolve against it; traffic to outside has no named ports.
          allowed = allowed.union(admitted(rulesForAddresses(allowances[podClass.index], family, block), direction === 'ingress' ? podClass : undefined));
        }
        if (allowed.isEmpty()) continue;
        const [start, end] = block.ranges[0];
        const external: Endpoint = { type: 'external', family, start, end };
        const self: Endpoint = { type: 'workload', workload };
        out.push(direction === 'egress' ? { source: self, destination: external, connections: allowed } : { source: external, destination: self, connections: allowed });
      }
    }
  }
  return out;
}

function ingressControllerConnections(inventory: Inventory, analysis: Analysis): Connection[] {
  const byPair = new Map<string, Connection>();
  for (const backend of ingressBackends(inventory, analysis.peers)) {
    const podClass = backend.podClass;
    const allowed = backend.connections.intersect(admitted(rulesForClass(analysis.ingress[podClass.index], analysis.ingressController), podClass));
    if (allowed.isEmpty()) continue;
    for (const workload of podClass.workloads) addConnection(byPair, { type: 'ingress-controller' }, { type: 'workload', workload }, allowed);
  }
  return [...byPair.values()];
}

function addConnection(byPair: Map<string, Connection>, source: Endpoint, destination: Endpoint, allowed: ConnectionSet): void {
  const key = `${endpointName(source)}\u0000${endpointName(destination)}`;
  const existing = byPair.get(key);
  if (existing) existing.connections = existing.connections.union(allowed);
  else byPair.set(key, { source, destination, connections: allowed });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
