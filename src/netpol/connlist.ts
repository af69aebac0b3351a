import { InputError } from '../load/problems.js';
import type { Inventory } from '../model/inventory.js';
import { ingressBackends } from './backends.js';
import { ConnectionSet } from './connections.js';
import { addressBlocks, admitted, analyse, classConnections, rulesForAddresses, rulesForClass, type Analysis, type IngressControllerLocation } from './connectivity.js';
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
export function connlist(inventory: Inventory, maxConnections = MAX_CONNECTIONS, ingressController?: IngressControllerLocation): Connection[] {
  const analysis = analyse(inventory, ingressController);
  const connections = [...workloadConnections(analysis, maxConnections), ...externalConnections(analysis), ...ingressControllerConnections(inventory, analysis)];
  return connections.sort((a, b) => compareText(endpointName(a.source), endpointName(b.source)) || compareText(endpointName(a.destination), endpointName(b.destination)));
}

/**
 * Most connections connlist lists. Their number grows with the square of the workloads when
 * few policies isolate them; past this the list would not fit in memory, so it is refused
 * with a clear message instead of crashing.
 */
export const MAX_CONNECTIONS = 5_000_000;

/** Raised when the list would be too large; the CLI reports it as one line and exit 2. */
export class TooManyConnections extends InputError {
  override name = 'TooManyConnections';
}

function workloadConnections(analysis: Analysis, maxConnections: number): Connection[] {
  const { classes } = analysis.peers;
  const byPair = new PairTable(maxConnections);
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
          byPair.add({ type: 'workload', workload: from }, { type: 'workload', workload: to }, allowed);
        }
      }
    }
  }
  return byPair.connections();
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
  const byPair = new PairTable(MAX_CONNECTIONS);
  for (const backend of ingressBackends(inventory, analysis.peers)) {
    const podClass = backend.podClass;
    // The controller's egress is isolated only when a policy of its given namespace selects it.
    const egress = admitted(rulesForClass(analysis.egress[analysis.ingressController.index], podClass), podClass);
    const allowed = backend.connections.intersect(egress).intersect(admitted(rulesForClass(analysis.ingress[podClass.index], analysis.ingressController), podClass));
    if (allowed.isEmpty()) continue;
    for (const workload of podClass.workloads) byPair.add({ type: 'ingress-controller' }, { type: 'workload', workload }, allowed);
  }
  return byPair.connections();
}

/**
 * Connections by source, then destination, so that large clusters stay under V8's limit of
 * about 16.7 million entries per Map, and counted against MAX_CONNECTIONS.
 */
class PairTable {
  private readonly bySource = new Map<string, Map<string, Connection>>();
  private count = 0;

  constructor(private readonly limit: number) {}

  add(source: Endpoint, destination: Endpoint, allowed: ConnectionSet): void {
    const sourceName = endpointName(source);
    let destinations = this.bySource.get(sourceName);
    if (!destinations) {
      destinations = new Map();
      this.bySource.set(sourceName, destinations);
    }
    const destinationName = endpointName(destination);
    const existing = destinations.get(destinationName);
    if (existing) {
      existing.connections = existing.connections.union(allowed);
      return;
    }
    destinations.set(destinationName, { source, destination, connections: allowed });
    this.count++;
    if (this.count > this.limit) {
      throw new TooManyConnections(`more than ${this.limit.toLocaleString('en-US')} connections are allowed, too many to list; give fewer namespaces or add default-deny policies`);
    }
  }

  connections(): Connection[] {
    const out: Connection[] = [];
    for (const destinations of this.bySource.values()) for (const connection of destinations.values()) out.push(connection);
    return out;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
