import { isRecord, record, text } from '../model/access.js';
import type { Inventory, ServiceInfo, ServicePort } from '../model/inventory.js';
import { matchesServiceSelector } from '../model/selectors.js';
import { ConnectionSet, isProtocol } from './connections.js';
import { IntervalSet } from './intervals.js';
import type { PeerModel, PodClass } from './peers.js';

/** A pod class that the ingress controller sends traffic to, and the ports it uses. */
export interface Backend {
  podClass: PodClass;
  connections: ConnectionSet;
}

/**
 * Finds the pods behind every Ingress backend and OpenShift Route. Each backend names a
 * Service in the same namespace, whose selector picks the pods; a Service port's targetPort
 * gives the container port, and a named targetPort is looked up in the pod's containers.
 */
export function ingressBackends(inventory: Inventory, peers: PeerModel): Backend[] {
  const backends: Backend[] = [];
  const add = (namespace: string, serviceName: string, pickPorts: (service: ServiceInfo) => ServicePort[]) => {
    const service = inventory.servicesIn(namespace).find((candidate) => candidate.name === serviceName);
    if (!service) return;
    const ports = pickPorts(service);
    for (const podClass of peers.classesByNamespace.get(namespace) ?? []) {
      if (!matchesServiceSelector(service.selector, podClass.podLabels)) continue;
      const connections = ports.reduce((sum, port) => sum.union(targetConnections(port, podClass)), ConnectionSet.none);
      if (!connections.isEmpty()) backends.push({ podClass, connections });
    }
  };

  for (const ingress of inventory.ingresses) {
    const namespace = ingress.resource.namespace ?? 'default';
    for (const backend of ingress.backends) {
      add(namespace, backend.serviceName, (service) =>
        backend.servicePort === undefined ? service.ports : service.ports.filter((port) => (typeof backend.servicePort === 'number' ? port.port === backend.servicePort : port.name === backend.servicePort)),
      );
    }
  }

  for (const route of inventory.ofKind('Route', 'route.openshift.io')) {
    const spec = record(route.body.spec);
    const to = record(spec.to);
    const serviceName = text(to.name);
    if (!serviceName || (to.kind !== undefined && to.kind !== 'Service')) continue;
    const targetPort = isRecord(spec.port) ? spec.port.targetPort : undefined;
    // A Route's targetPort names a Service port by name, or gives the port the pods listen on.
    add(route.namespace ?? 'default', serviceName, (service) => {
      if (typeof targetPort === 'string') return service.ports.filter((port) => port.name === targetPort || port.targetPort === targetPort);
      if (typeof targetPort === 'number') return service.ports.filter((port) => (port.targetPort ?? port.port) === targetPort);
      return service.ports;
    });
  }
  return backends;
}

function targetConnections(port: ServicePort, podClass: PodClass): ConnectionSet {
  if (!isProtocol(port.protocol)) return ConnectionSet.none;
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return ConnectionSet.of(port.protocol, IntervalSet.of(target, target));
  const named = (podClass.namedPorts.get(target) ?? []).filter((entry) => entry.protocol === port.protocol);
  return ConnectionSet.of(port.protocol, IntervalSet.from(named.map((entry) => [entry.port, entry.port] as const)));
}
