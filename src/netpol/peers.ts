import { isRecord, list, text } from '../model/access.js';
import type { Inventory } from '../model/inventory.js';
import type { Resource } from '../model/resource.js';
import { shownAs, type Workload } from '../model/workloads.js';
import { isProtocol } from './connections.js';
import type { Protocol } from './policy.js';

export interface NamedPort {
  port: number;
  protocol: Protocol;
}

/**
 * Pods that every NetworkPolicy treats alike: same namespace, same namespace labels, same
 * pod labels and the same named container ports. The engine computes connectivity between
 * classes, never between single pods.
 */
export interface PodClass {
  index: number;
  namespace: string;
  namespaceLabels: Readonly<Record<string, string>>;
  podLabels: Readonly<Record<string, string>>;
  namedPorts: ReadonlyMap<string, readonly NamedPort[]>;
  /** Key of `namedPorts`, shared by classes whose named ports agree. */
  namedPortsKey: string;
  workloads: WorkloadPeer[];
}

/** A workload as connlist shows it: `namespace/name[Kind]`. */
export interface WorkloadPeer {
  id: string;
  namespace: string;
  name: string;
  kind: string;
  /** The objects in the input that make its pods (a controller, or Pods of one owner). */
  resources: Resource[];
  classes: PodClass[];
}

export interface PeerModel {
  workloads: WorkloadPeer[];
  classes: PodClass[];
  classesByNamespace: Map<string, PodClass[]>;
  workloadById: Map<string, WorkloadPeer>;
}

export function workloadId(namespace: string, name: string, kind: string): string {
  return `${namespace}/${name}[${kind}]`;
}

/**
 * Groups the Inventory's workloads as np-guard's connlist names them. A Pod whose controller
 * is not in the input is shown as that controller, by the name and kind in its
 * ownerReferences, so a ReplicaSet keeps its pod-template-hash suffix. All Pods of one owner
 * become one workload, even when their labels differ.
 */
export function buildPeers(inventory: Inventory): PeerModel {
  const workloadById = new Map<string, WorkloadPeer>();
  const classByKey = new Map<string, PodClass>();
  const classes: PodClass[] = [];

  for (const workload of inventory.workloads) {
    const { name, kind } = shownAs(workload);
    const id = workloadId(workload.namespace, name, kind);
    let peer = workloadById.get(id);
    if (!peer) {
      peer = { id, namespace: workload.namespace, name, kind, resources: [], classes: [] };
      workloadById.set(id, peer);
    }
    peer.resources.push(workload.resource);

    const namespaceLabels = inventory.namespaces.get(workload.namespace)?.labels ?? { 'kubernetes.io/metadata.name': workload.namespace };
    const namedPorts = namedPortsOf(workload);
    const namedPortsKey = JSON.stringify([...namedPorts.entries()].sort(([a], [b]) => a.localeCompare(b)));
    const key = JSON.stringify([workload.namespace, sortedEntries(workload.podLabels), namedPortsKey]);
    let podClass = classByKey.get(key);
    if (!podClass) {
      podClass = { index: classes.length, namespace: workload.namespace, namespaceLabels, podLabels: workload.podLabels, namedPorts, namedPortsKey, workloads: [] };
      classByKey.set(key, podClass);
      classes.push(podClass);
    }
    if (!podClass.workloads.includes(peer)) podClass.workloads.push(peer);
    if (!peer.classes.includes(podClass)) peer.classes.push(podClass);
  }

  const classesByNamespace = new Map<string, PodClass[]>();
  for (const podClass of classes) {
    const bucket = classesByNamespace.get(podClass.namespace);
    if (bucket) bucket.push(podClass);
    else classesByNamespace.set(podClass.namespace, [podClass]);
  }
  return { workloads: [...workloadById.values()], classes, classesByNamespace, workloadById };
}

function namedPortsOf(workload: Workload): Map<string, NamedPort[]> {
  const named = new Map<string, NamedPort[]>();
  for (const container of workload.containers) {
    if (container.group !== 'containers') continue;
    for (const entry of list(container.container.ports)) {
      if (!isRecord(entry)) continue;
      const name = text(entry.name);
      const port = entry.containerPort;
      const protocol = text(entry.protocol) ?? 'TCP';
      if (!name || typeof port !== 'number' || !Number.isInteger(port) || !isProtocol(protocol)) continue;
      const ports = named.get(name);
      if (ports) ports.push({ port, protocol });
      else named.set(name, [{ port, protocol }]);
    }
  }
  return named;
}

function sortedEntries(labels: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
