import type { KindRegistry } from '../load/kinds.js';
import type { InputProblem } from '../load/problems.js';
import { isRecord, list, record, stringMap, text, type Json } from './access.js';
import { identityOf, type PathSegment, type Resource, type ValuesDocument } from './resource.js';
import { matchesServiceSelector } from './selectors.js';
import { controllerOf, isWorkloadKind, toWorkload, type Workload } from './workloads.js';

export interface NamespaceInfo {
  name: string;
  /** The Namespace object, when the input has one; otherwise the namespace is only implied. */
  resource?: Resource;
  /** Labels, including the automatic `kubernetes.io/metadata.name`. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol: string;
  appProtocol?: string;
}

export interface ServiceInfo {
  resource: Resource;
  name: string;
  namespace: string;
  selector: Record<string, string>;
  ports: ServicePort[];
  /** True for `clusterIP: None`. */
  headless: boolean;
  workloads: Workload[];
}

export interface IngressBackend {
  host?: string;
  path?: string;
  serviceName: string;
  servicePort?: number | string;
  /** Path of the backend inside the Ingress. */
  at: PathSegment[];
}

export interface IngressInfo {
  resource: Resource;
  className?: string;
  hosts: string[];
  backends: IngressBackend[];
  tls: { hosts: string[]; secretName?: string; index: number }[];
}

export interface SecretInfo {
  resource: Resource;
  type: string;
  /** Key names only: values are never kept in the model's views. */
  keys: string[];
}

export interface VolumeClaim {
  name: string;
  namespace: string;
  resource: Resource;
  /** `spec.storageClassName` as written; undefined when left to the cluster's default class. */
  storageClassName?: string;
  path: PathSegment[];
  /** Set for a StatefulSet's volumeClaimTemplates entry. */
  fromTemplate: boolean;
}

export interface Inventory {
  resources: readonly Resource[];
  values: readonly ValuesDocument[];
  problems: readonly InputProblem[];
  kinds: KindRegistry;
  /** Objects that share group, kind, namespace and name with an earlier one, with that earlier one. */
  duplicates: { first: Resource; duplicate: Resource }[];
  namespaces: Map<string, NamespaceInfo>;
  workloads: Workload[];
  services: ServiceInfo[];
  ingresses: IngressInfo[];
  secrets: SecretInfo[];
  volumeClaims: VolumeClaim[];
  ofKind(kind: string, group?: string): readonly Resource[];
  find(kind: string, namespace: string | undefined, name: string): Resource | undefined;
  workloadsIn(namespace: string): readonly Workload[];
  servicesIn(namespace: string): readonly ServiceInfo[];
}

export interface InventoryInput {
  resources: Resource[];
  values: ValuesDocument[];
  problems: InputProblem[];
  kinds: KindRegistry;
}

/** Builds every view once; checks read these and never rescan the resources. */
export function buildInventory(input: InventoryInput): Inventory {
  const byKind = new Map<string, Resource[]>();
  const byIdentity = new Map<string, Resource>();
  const duplicates: Inventory['duplicates'] = [];

  for (const resource of input.resources) {
    const identity = identityOf(resource);
    const first = byIdentity.get(identity);
    // kubectl apply and helm keep the later of two objects with one identity, so that one is audited.
    if (first) duplicates.push({ first, duplicate: resource });
    byIdentity.set(identity, resource);
  }
  const unique = [...byIdentity.values()];
  for (const resource of unique) {
    const bucket = byKind.get(resource.kind);
    if (bucket) bucket.push(resource);
    else byKind.set(resource.kind, [resource]);
  }

  const namespaces = collectNamespaces(unique, byKind.get('Namespace') ?? []);
  const workloads = collectWorkloads(unique);
  const workloadsByNamespace = groupBy(workloads, (workload) => workload.namespace);
  const services = (byKind.get('Service') ?? []).filter((resource) => resource.group === '').map((resource) => toService(resource, workloadsByNamespace.get(resource.namespace ?? 'default') ?? []));
  const servicesByNamespace = groupBy(services, (service) => service.namespace);

  // Checks look objects up by name once per workload or Ingress, so the lookup is a Map, not a scan.
  const byName = new Map<string, Resource>();
  for (const resource of unique) {
    const key = `${resource.kind}\u0000${resource.namespace ?? ''}\u0000${resource.name}`;
    if (!byName.has(key)) byName.set(key, resource);
  }
  const find = (kind: string, namespace: string | undefined, name: string) => byName.get(`${kind}\u0000${namespace ?? ''}\u0000${name}`);

  return {
    resources: unique,
    values: input.values,
    problems: input.problems,
    kinds: input.kinds,
    duplicates,
    namespaces,
    workloads,
    services,
    ingresses: (byKind.get('Ingress') ?? []).map(toIngress),
    secrets: (byKind.get('Secret') ?? []).filter((resource) => resource.group === '').map(toSecret),
    volumeClaims: collectVolumeClaims(byKind),
    ofKind: (kind, group) => {
      const all = byKind.get(kind) ?? [];
      return group === undefined ? all : all.filter((resource) => resource.group === group);
    },
    find,
    workloadsIn: (namespace) => workloadsByNamespace.get(namespace) ?? [],
    servicesIn: (namespace) => servicesByNamespace.get(namespace) ?? [],
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const bucket = groups.get(name);
    if (bucket) bucket.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}

function collectNamespaces(resources: Resource[], namespaceObjects: Resource[]): Map<string, NamespaceInfo> {
  const namespaces = new Map<string, NamespaceInfo>();
  for (const resource of namespaceObjects) {
    if (resource.group !== '') continue;
    // The API server sets this label on every namespace since Kubernetes 1.22.
    const labels = { ...resource.labels, 'kubernetes.io/metadata.name': resource.name };
    namespaces.set(resource.name, { name: resource.name, resource, labels, annotations: { ...resource.annotations } });
  }
  for (const resource of resources) {
    const name = resource.namespace;
    if (name === undefined || namespaces.has(name)) continue;
    namespaces.set(name, { name, labels: { 'kubernetes.io/metadata.name': name }, annotations: {} });
  }
  return namespaces;
}

/**
 * Makes one Workload per controller. A Pod or ReplicaSet whose controller is in the same
 * input is folded into it, so that findings name what the user wrote.
 */
function collectWorkloads(resources: Resource[]): Workload[] {
  const candidates = resources.filter((resource) => isWorkloadKind(resource.kind));
  const byName = new Map<string, Workload>();
  const workloads: Workload[] = [];
  for (const resource of candidates) {
    const workload = toWorkload(resource);
    if (!workload) continue;
    byName.set(`${workload.namespace}/${workload.kind}/${workload.name}`, workload);
    workloads.push(workload);
  }

  const ownerOf = (workload: Workload): Workload | undefined => {
    let current = workload;
    let owner: Workload | undefined;
    // Follow Pod → ReplicaSet → Deployment and Pod → Job → CronJob while the owner is in the input.
    for (let step = 0; step < 3; step++) {
      const controller = controllerOf(current.resource);
      const next = controller && byName.get(`${current.namespace}/${controller.kind}/${controller.name}`);
      if (!next) break;
      owner = next;
      current = next;
    }
    return owner;
  };

  const kept: Workload[] = [];
  for (const workload of workloads) {
    const owner = ownerOf(workload);
    if (owner) {
      if (workload.kind === 'Pod') owner.ownedPods.push(workload.resource);
      continue;
    }
    kept.push(workload);
  }
  return kept;
}

function toService(resource: Resource, candidates: Workload[]): ServiceInfo {
  const spec = record(resource.body.spec);
  const selector = stringMap(spec.selector);
  const ports: ServicePort[] = [];
  for (const entry of list(spec.ports)) {
    if (!isRecord(entry) || typeof entry.port !== 'number') continue;
    const port: ServicePort = { port: entry.port, protocol: text(entry.protocol) ?? 'TCP' };
    if (typeof entry.name === 'string') port.name = entry.name;
    if (typeof entry.targetPort === 'number' || typeof entry.targetPort === 'string') port.targetPort = entry.targetPort;
    if (typeof entry.appProtocol === 'string') port.appProtocol = entry.appProtocol;
    ports.push(port);
  }
  return {
    resource,
    name: resource.name,
    namespace: resource.namespace ?? 'default',
    selector,
    ports,
    headless: spec.clusterIP === 'None',
    workloads: candidates.filter((workload) => matchesServiceSelector(selector, workload.podLabels)),
  };
}

function toIngress(resource: Resource): IngressInfo {
  const spec = record(resource.body.spec);
  const backends: IngressBackend[] = [];
  const addBackend = (backend: Json, at: PathSegment[], host?: string, path?: string) => {
    // networking.k8s.io/v1 uses service.name and service.port; the removed v1beta1 used serviceName and servicePort.
    const service = record(backend.service);
    const serviceName = text(service.name) ?? text(backend.serviceName);
    if (!serviceName) return;
    const port = record(service.port);
    const servicePort = typeof port.number === 'number' ? port.number : (text(port.name) ?? (typeof backend.servicePort === 'number' || typeof backend.servicePort === 'string' ? backend.servicePort : undefined));
    const entry: IngressBackend = { serviceName, at };
    if (host !== undefined) entry.host = host;
    if (path !== undefined) entry.path = path;
    if (servicePort !== undefined) entry.servicePort = servicePort;
    backends.push(entry);
  };

  const defaultBackend = spec.defaultBackend ?? spec.backend;
  if (isRecord(defaultBackend)) addBackend(defaultBackend, ['spec', spec.defaultBackend ? 'defaultBackend' : 'backend']);
  const hosts: string[] = [];
  list(spec.rules).forEach((rule, ruleIndex) => {
    if (!isRecord(rule)) return;
    const host = text(rule.host);
    if (host && !hosts.includes(host)) hosts.push(host);
    list(record(rule.http).paths).forEach((entry, pathIndex) => {
      if (!isRecord(entry) || !isRecord(entry.backend)) return;
      addBackend(entry.backend, ['spec', 'rules', ruleIndex, 'http', 'paths', pathIndex, 'backend'], host, text(entry.path));
    });
  });
  const tls = list(spec.tls).flatMap((entry, index) => {
    if (!isRecord(entry)) return [];
    const item: IngressInfo['tls'][number] = { hosts: list(entry.hosts).filter((host): host is string => typeof host === 'string'), index };
    const secretName = text(entry.secretName);
    if (secretName) item.secretName = secretName;
    return [item];
  });
  const className = text(spec.ingressClassName) ?? resource.annotations['kubernetes.io/ingress.class'];
  const info: IngressInfo = { resource, hosts, backends, tls };
  if (className) info.className = className;
  return info;
}

function toSecret(resource: Resource): SecretInfo {
  const keys = new Set<string>([...Object.keys(record(resource.body.data)), ...Object.keys(record(resource.body.stringData))]);
  return { resource, type: text(resource.body.type) ?? 'Opaque', keys: [...keys] };
}

function collectVolumeClaims(byKind: Map<string, Resource[]>): VolumeClaim[] {
  const claims: VolumeClaim[] = [];
  for (const resource of byKind.get('PersistentVolumeClaim') ?? []) {
    if (resource.group !== '') continue;
    const spec = record(resource.body.spec);
    const claim: VolumeClaim = { name: resource.name, namespace: resource.namespace ?? 'default', resource, path: ['spec'], fromTemplate: false };
    const className = storageClassOf(spec, resource.annotations);
    if (className !== undefined) claim.storageClassName = className;
    claims.push(claim);
  }
  for (const resource of byKind.get('StatefulSet') ?? []) {
    list(record(resource.body.spec).volumeClaimTemplates).forEach((template, index) => {
      if (!isRecord(template)) return;
      const metadata = record(template.metadata);
      const spec = record(template.spec);
      const claim: VolumeClaim = {
        name: text(metadata.name) ?? `#${index}`,
        namespace: resource.namespace ?? 'default',
        resource,
        path: ['spec', 'volumeClaimTemplates', index, 'spec'],
        fromTemplate: true,
      };
      const className = storageClassOf(spec, stringMap(metadata.annotations));
      if (className !== undefined) claim.storageClassName = className;
      claims.push(claim);
    });
  }
  return claims;
}

function storageClassOf(spec: Json, annotations: Record<string, string>): string | undefined {
  if (typeof spec.storageClassName === 'string') return spec.storageClassName;
  // The beta annotation predates spec.storageClassName and is still honoured.
  return annotations['volume.beta.kubernetes.io/storage-class'];
}
