import { PLATFORM_BACKING_RELEASES } from '../profiles/howso-platform.js';
import { BACKING_CHARTS, backingChartOf } from '../profiles/index.js';
import type { BackingChart } from '../profiles/types.js';
import type { AppProtocol } from '../profiles/types.js';
import { configMapTexts, containerPorts } from '../profiles/containers.js';
import { isRecord, list } from './access.js';
import type { Inventory, ServiceInfo, ServicePort } from './inventory.js';
import type { Workload } from './workloads.js';

/**
 * The client end of a flow. `clients` are the unnamed clients of a server whose clients are not in the input.
 * `pods` are pods outside the input, known by namespace and labels, such as the Linkerd metrics scraper.
 */
export type FlowSource =
  | { type: 'workload'; workload: Workload }
  | { type: 'ingress-controller' }
  | { type: 'clients'; namespace: string }
  | { type: 'pods'; pods: ExternalPods };

/** Pods of the cluster's infrastructure that are not in the input, known by their namespace and pod labels. */
export interface ExternalPods {
  /** Name of the pods' role, for messages: "kube-dns", "the Linkerd identity controller". */
  name: string;
  namespace: string;
  podLabels: Record<string, string>;
}

/**
 * Reason a flow exists. `application` flows carry the platform's data, while `dns` and `mesh` flows
 * serve the cluster's infrastructure: name lookups, the mesh proxy and its control plane.
 */
export type FlowPurpose = 'application' | 'dns' | 'mesh';

/** The server end as the client names it; `chart` is set when a profile of the server's chart exists. */
export interface FlowTarget {
  service: string;
  namespace: string;
  chart?: BackingChart;
  /** URL scheme the client uses (`nats`, `tls`, `rediss`, `https`…), when the reference has one. */
  scheme?: string;
  /** Query of the client's URL (`sslmode=verify-full`), when it has one. */
  query?: string;
}

/** A connection the platform needs. */
export interface Flow {
  source: FlowSource;
  /** The server's workload; undefined when the server is not in the input and only its Service name is known. */
  destination?: Workload;
  target: FlowTarget;
  /** The Service the client addresses, when it goes through one. */
  service?: ServiceInfo;
  /** The port on the destination pod. */
  port: number;
  protocol: string;
  appProtocol: AppProtocol;
  /** Evidence for the flow: the env entry, ConfigMap key, Ingress or chart fact it was inferred from. */
  reasons: string[];
  /** Infrastructure pods outside the input that the flow goes to (kube-dns, the Linkerd control plane). */
  destinationPods?: ExternalPods;
  /** Undefined for the application flows that inferFlows returns. */
  purpose?: FlowPurpose;
}

export function describeSource(source: FlowSource): string {
  if (source.type === 'workload') return `${source.workload.kind} ${source.workload.namespace}/${source.workload.name}`;
  if (source.type === 'ingress-controller') return 'the ingress controller';
  if (source.type === 'pods') return `${source.pods.name} (pods ${formatLabels(source.pods.podLabels)} in namespace ${source.pods.namespace})`;
  return `clients of the service (not in the input) in namespace ${source.namespace}`;
}

export function describeDestination(flow: Flow): string {
  if (flow.destinationPods) return `${flow.destinationPods.name} (pods ${formatLabels(flow.destinationPods.podLabels)} in namespace ${flow.destinationPods.namespace}) port ${flow.port}/${flow.protocol} (${flow.appProtocol})`;
  if (!flow.destination) return `Service ${flow.target.namespace}/${flow.target.service} port ${flow.port} (${flow.appProtocol}; the server is not in the input)`;
  const target = flow.service ? `Service ${flow.service.namespace}/${flow.service.name}` : `${flow.destination.kind} ${flow.destination.namespace}/${flow.destination.name}`;
  return `${target} port ${flow.port} (${flow.appProtocol})`;
}

function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/**
 * Infers the flows the install needs from four sources. These are Services named in a
 * workload's env, args and ConfigMaps, Ingress backends, and peers of clustered servers.
 * A backing server whose clients are not in the input also gets a flow from its unnamed clients.
 */
export function inferFlows(inventory: Inventory, platformNames = true): Flow[] {
  const flows: Flow[] = [];
  const seen = new Set<string>();
  const add = (flow: Flow) => {
    const source = flow.source.type === 'workload' ? `${flow.source.workload.namespace}/${flow.source.workload.kind}/${flow.source.workload.name}` : `${flow.source.type}:${flow.source.type === 'clients' ? flow.source.namespace : ''}`;
    const server = flow.destination ? `${flow.destination.namespace}/${flow.destination.kind}/${flow.destination.name}` : `${flow.target.namespace}/Service/${flow.target.service}`;
    const key = `${source}>${server}:${flow.port}/${flow.protocol}`;
    if (seen.has(key)) return;
    seen.add(key);
    flows.push(flow);
  };

  const hostIndex = serviceHostIndex(inventory.services);
  for (const workload of inventory.workloads) {
    if (isScaledToZero(workload)) continue;
    for (const reference of serviceReferences(workload, inventory, hostIndex, platformNames)) {
      const reason = `${reference.where} names ${reference.text}`;
      if (reference.absent) {
        add(flowToAbsentServer(reference.absent, reference, workload, reason));
        continue;
      }
      for (const flow of flowsToService(reference.service!, reference.port, { type: 'workload', workload }, reason, reference.scheme)) {
        if (flow.destination !== workload) add(flow);
      }
    }
  }

  for (const ingress of inventory.ingresses) {
    const namespace = ingress.resource.namespace ?? 'default';
    for (const backend of ingress.backends) {
      const service = inventory.servicesIn(namespace).find((candidate) => candidate.name === backend.serviceName);
      if (!service) continue;
      for (const flow of flowsToService(service, backend.servicePort, { type: 'ingress-controller' }, `Ingress ${namespace}/${ingress.resource.name} routes ${backend.host ?? '*'}${backend.path ?? ''} to it`)) add(flow);
    }
  }

  for (const workload of inventory.workloads) {
    const chart = backingChartOf(workload);
    if (!chart || isScaledToZero(workload)) continue;
    const service = inventory.servicesIn(workload.namespace).find((candidate) => !candidate.headless && candidate.workloads.includes(workload) && candidate.ports.some((port) => port.port === chart.clientPort));
    // Servers of the same chart (replicas, helper jobs) do not stand for the platform's clients.
    const hasClient = flows.some((flow) => flow.destination === workload && flow.port === chart.clientPort && flow.source.type === 'workload' && backingChartOf(flow.source.workload) !== chart && !isChartHelper(flow.source.workload, workload));
    if (!hasClient) {
      add({
        source: { type: 'clients', namespace: workload.namespace },
        destination: workload,
        target: { service: service?.name ?? workload.name, namespace: workload.namespace, chart },
        ...(service ? { service } : {}),
        port: chart.clientPort,
        protocol: 'TCP',
        appProtocol: chart.ports(workload)[0].appProtocol,
        reasons: [`${workload.name} is a ${chart.chart} server; its clients are not in the input`],
      });
    }
    for (const port of chart.ports(workload)) {
      if (!port.peer) continue;
      add({
        source: { type: 'workload', workload },
        destination: workload,
        target: { service: workload.name, namespace: workload.namespace, chart },
        port: port.port,
        protocol: 'TCP',
        appProtocol: port.appProtocol,
        reasons: [`${chart.chart} servers connect to each other on port ${port.port} (${port.name})`],
      });
    }
  }
  return flows;
}

/** Tells whether a controller has `replicas: 0`: it runs no pods, so nothing connects to it. */
function isScaledToZero(workload: Workload): boolean {
  const spec = workload.resource.body.spec;
  return isRecord(spec) && spec.replicas === 0;
}

/** A Job or helper of the same Helm release as the server, such as MinIO's post-install job. */
function isChartHelper(client: Workload, server: Workload): boolean {
  const release = server.podLabels['app.kubernetes.io/instance'] ?? server.podLabels.release;
  return release !== undefined && (client.podLabels['app.kubernetes.io/instance'] ?? client.podLabels.release ?? client.resource.labels.release) === release;
}

/**
 * Resolves a host to one of the platform's backing Services by the names clients use (`platform-nats`, also with
 * `.howso`, `.howso.svc` and `.howso.svc.cluster.local`), for clients whose servers were
 * rendered from another chart that is not in the input.
 */
function platformBackingService(host: string, clientNamespace: string, inventory: Inventory): ServiceReference['absent'] {
  const [name, namespace = clientNamespace, ...rest] = host.split('.');
  if (rest.length > 0 && rest.join('.') !== 'svc' && rest.join('.') !== 'svc.cluster.local') return undefined;
  // `platform-nats.events` is a topic name rather than a host unless events is a namespace of the install.
  if (namespace !== clientNamespace && !inventory.namespaces.has(namespace)) return undefined;
  const entry = PLATFORM_BACKING_RELEASES.find((candidate) => candidate.service === name);
  const chart = entry && BACKING_CHARTS.find((candidate) => candidate.id === entry.chart);
  return chart ? { name, namespace, chart } : undefined;
}

function flowToAbsentServer(absent: NonNullable<ServiceReference['absent']>, reference: ServiceReference, workload: Workload, reason: string): Flow {
  const target: FlowTarget = { service: absent.name, namespace: absent.namespace, chart: absent.chart };
  if (reference.scheme) target.scheme = reference.scheme;
  if (reference.query) target.query = reference.query;
  const chosen = reference.port ?? absent.chart.clientPort;
  return {
    source: { type: 'workload', workload },
    target,
    port: chosen,
    protocol: 'TCP',
    appProtocol: chosen === absent.chart.clientPort ? absent.chart.clientAppProtocol : 'tcp',
    reasons: [reason],
  };
}

/** Maps every name a Service resolves by in cluster DNS to the Service. */
function serviceHostIndex(services: ServiceInfo[]): Map<string, ServiceInfo[]> {
  const index = new Map<string, ServiceInfo[]>();
  const put = (host: string, service: ServiceInfo) => {
    const entry = index.get(host);
    if (entry) entry.push(service);
    else index.set(host, [service]);
  };
  for (const service of services) {
    const { name, namespace } = service;
    for (const host of [`${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`]) put(host, service);
    put(name, service);
  }
  return index;
}

interface ServiceReference {
  /** The Service in the input; undefined when only `absent` is known. */
  service?: ServiceInfo;
  /** A backing Service of the platform that the input names but does not contain. */
  absent?: { name: string; namespace: string; chart: BackingChart };
  port?: number;
  scheme?: string;
  /** Query of the URL that contains the host (`sslmode=verify-full`), when it has one. */
  query?: string;
  text: string;
  where: string;
}

/** Names of settings that hold an address: PGHOST, NATS_URL, S3_ENDPOINT, redisServer… */
const ADDRESS_SETTING = /(host|url|uri|endpoint|addr|server|dsn|broker)s?$/i;

// A host name, optionally with a port, standing on its own or inside a URL; a scheme
// ("nats://") is not taken for a host because of the look-ahead.
const HOST_PATTERN = /(?<![A-Za-z0-9.\-_])([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::(\d{1,5}))?(?![A-Za-z0-9.\-_]|:\/\/|:[A-Za-z])/g;

function serviceReferences(workload: Workload, inventory: Inventory, hostIndex: Map<string, ServiceInfo[]>, platformNames: boolean): ServiceReference[] {
  const references: ServiceReference[] = [];
  const scanned = new Set<string>();
  const scan = (value: string, where: string, name?: string) => {
    // The same text in several places names the same Services; scanning it once keeps aliases cheap.
    if (scanned.has(value)) return;
    scanned.add(value);
    HOST_PATTERN.lastIndex = 0;
    for (let match = HOST_PATTERN.exec(value); match; match = HOST_PATTERN.exec(value)) {
      let host = match[1];
      let candidates: ServiceInfo[] | undefined = hostIndex.get(host);
      const scheme = /([a-z][a-z0-9+.-]*):\/\/(?:[^@/\s]*@)?$/.exec(value.slice(Math.max(0, match.index - 200), match.index))?.[1];
      const inOwnNamespace = candidates?.some((candidate) => host.includes('.') || candidate.namespace === workload.namespace);
      if (!inOwnNamespace && platformNames) {
        // A Service that is not in the input is inferred only from text that reads as an address:
        // a URL, a port, or a setting named like one (PGHOST, NATS_URL).
        const absent = platformBackingService(host, workload.namespace, inventory);
        const looksLikeAddress = scheme !== undefined || match[2] !== undefined || (name !== undefined && ADDRESS_SETTING.test(name));
        if (absent && looksLikeAddress) {
          const reference: ServiceReference = { absent, text: match[0], where };
          if (match[2]) reference.port = Number(match[2]);
          if (scheme) reference.scheme = scheme;
          const query = /^[^\s"'?#]*\?([^\s"'#]*)/.exec(value.slice(match.index + match[0].length))?.[1];
          if (query) reference.query = query;
          references.push(reference);
          continue;
        }
      }
      if (!candidates && host.includes('.')) {
        // A StatefulSet pod's own name, pod-0.headless-service.namespace…, goes through its headless Service.
        const rest = host.slice(host.indexOf('.') + 1);
        const headless = hostIndex.get(rest)?.filter((candidate) => candidate.headless);
        if (headless && headless.length > 0 && rest.includes('.')) {
          host = rest;
          candidates = headless;
        }
      }
      if (!candidates) continue;
      // A bare name resolves in the client's own namespace only.
      const service = host.includes('.') ? candidates[0] : candidates.find((candidate) => candidate.namespace === workload.namespace);
      if (!service) continue;
      const reference: ServiceReference = { service, text: match[0], where };
      if (match[2]) reference.port = Number(match[2]);
      if (scheme) reference.scheme = scheme;
      references.push(reference);
    }
  };

  for (const container of workload.containers) {
    list(container.container.env).forEach((entry) => {
      if (isRecord(entry) && typeof entry.value === 'string') scan(entry.value, `env ${String(entry.name)} of container ${container.name}`, String(entry.name));
    });
    for (const field of ['args', 'command'] as const) {
      for (const argument of list(container.container[field])) if (typeof argument === 'string') scan(argument, `${field} of container ${container.name}`);
    }
  }
  for (const entry of configMapTexts(workload, inventory)) scan(entry.value, `ConfigMap ${entry.configMap} key ${entry.key}`, entry.key);
  return references;
}

function flowsToService(service: ServiceInfo, port: number | string | undefined, source: FlowSource, reason: string, scheme?: string): Flow[] {
  const ports = selectServicePorts(service, port);
  const flows: Flow[] = [];
  for (const workload of service.workloads) {
    if (isScaledToZero(workload)) continue;
    const chart = backingChartOf(workload);
    for (const servicePort of ports) {
      const target = resolveTargetPort(servicePort, workload);
      if (target === undefined) continue;
      const known = chart?.ports(workload).find((entry) => entry.port === target);
      const flowTarget: FlowTarget = { service: service.name, namespace: service.namespace };
      if (chart) flowTarget.chart = chart;
      if (scheme) flowTarget.scheme = scheme;
      flows.push({
        source,
        destination: workload,
        target: flowTarget,
        service,
        port: target,
        protocol: servicePort.protocol,
        appProtocol: known?.appProtocol ?? guessAppProtocol(servicePort),
        reasons: [reason],
      });
    }
  }
  return flows;
}

function selectServicePorts(service: ServiceInfo, port: number | string | undefined): ServicePort[] {
  if (port === undefined) {
    const chartPorts = service.workloads.map(backingChartOf).filter((chart) => chart !== undefined).map((chart) => chart.clientPort);
    const preferred = service.ports.filter((entry) => chartPorts.includes(entry.port));
    return preferred.length > 0 ? preferred : service.ports;
  }
  return service.ports.filter((entry) => (typeof port === 'number' ? entry.port === port : entry.name === port));
}

function resolveTargetPort(servicePort: ServicePort, workload: Workload): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  return containerPorts(workload).find((entry) => entry.name === target)?.port;
}

function guessAppProtocol(port: ServicePort): AppProtocol {
  const hint = `${port.appProtocol ?? ''} ${port.name ?? ''}`.toLowerCase();
  if (hint.includes('https') || port.port === 443 || port.port === 8443) return 'https';
  if (hint.includes('http') || [80, 8000, 8080].includes(port.port)) return 'http';
  return 'tcp';
}

const cache = new WeakMap<Inventory, Map<boolean, Flow[]>>();

/**
 * Returns the flows of an Inventory, inferred once and shared by every check that reads them.
 * `platformNames` adds flows to the platform's datastores named by clients but not in the input.
 */
export function flowsOf(inventory: Inventory, platformNames = true): Flow[] {
  let byOption = cache.get(inventory);
  if (!byOption) {
    byOption = new Map();
    cache.set(inventory, byOption);
  }
  let flows = byOption.get(platformNames);
  if (!flows) {
    flows = inferFlows(inventory, platformNames);
    byOption.set(platformNames, flows);
  }
  return flows;
}
