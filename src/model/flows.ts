import { PLATFORM_BACKING_RELEASES } from '../profiles/howso-platform.js';
import { BACKING_CHARTS, backingChartOf } from '../profiles/index.js';
import type { BackingChart } from '../profiles/types.js';
import type { AppProtocol } from '../profiles/types.js';
import { configMapTexts, containerPorts } from '../profiles/containers.js';
import { addressSettingPrefix, argumentSettings, DATASTORE_ADDRESS_SETTING, HOST_PATTERN, isAddressList, isAddressSetting, isApiServerHost, isPortNumber, NOT_SERVICES } from './addresses.js';
import { chartInternalFlows } from './chart-flows.js';
import { isRecord, list } from './access.js';
import type { Inventory, ServiceInfo, ServicePort } from './inventory.js';
import { shownAs, type Workload } from './workloads.js';

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

/** Names a workload for messages: `Deployment shop/web`, with a Pod whose owner is not in the input named as that owner. */
export function describeWorkload(workload: Workload): string {
  const { name, kind } = shownAs(workload);
  return `${kind} ${workload.namespace}/${name}`;
}

export function describeSource(source: FlowSource): string {
  if (source.type === 'workload') return describeWorkload(source.workload);
  if (source.type === 'ingress-controller') return 'the ingress controller';
  if (source.type === 'pods') return `${source.pods.name} (pods ${formatLabels(source.pods.podLabels)} in namespace ${source.pods.namespace})`;
  return `clients of the service (not in the input) in namespace ${source.namespace}`;
}

export function describeDestination(flow: Flow): string {
  if (flow.destinationPods) return `${flow.destinationPods.name} (pods ${formatLabels(flow.destinationPods.podLabels)} in namespace ${flow.destinationPods.namespace}) port ${flow.port}/${flow.protocol} (${flow.appProtocol})`;
  if (!flow.destination) return `Service ${flow.target.namespace}/${flow.target.service} port ${flow.port} (${flow.appProtocol}; the server is not in the input)`;
  const target = flow.service ? `Service ${flow.service.namespace}/${flow.service.name}` : describeWorkload(flow.destination);
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
  return inferAllFlows(inventory, platformNames).application;
}

/**
 * Flows by the checks that read them. `application` flows feed both the transport and the netpol
 * side. `outside` flows go to Services that the input names as addresses but does not contain,
 * other than the platform's datastores. `chartInternal` flows connect parts of one chart release
 * that no address in the input shows (nats-box, Redis replicas and Sentinel nodes).
 */
interface InferredFlows {
  application: Flow[];
  outside: Flow[];
  chartInternal: Flow[];
  apiServer: ApiServerReference[];
}

/**
 * A workload that names the Kubernetes API server (`kubernetes.default.svc`). The API server is
 * reached through addresses, not pods, so it makes no flow: a NetworkPolicy admits it only with
 * an ipBlock for the cluster's API server address.
 */
export interface ApiServerReference {
  workload: Workload;
  text: string;
  /** Location of the reference in the workload: "env KUBE_URL of container main". */
  where: string;
}

/** Infers the application flows (as inferFlows) and, apart from them, the outside and chart-internal flows. */
function inferAllFlows(inventory: Inventory, platformNames: boolean): InferredFlows {
  const flows: Flow[] = [];
  const outside: Flow[] = [];
  const seen = new Map<string, Flow>();
  const flowKey = (flow: Flow) => {
    const source = flow.source.type === 'workload' ? `${flow.source.workload.namespace}/${flow.source.workload.kind}/${flow.source.workload.name}` : `${flow.source.type}:${flow.source.type === 'clients' ? flow.source.namespace : ''}`;
    const server = flow.destination ? `${flow.destination.namespace}/${flow.destination.kind}/${flow.destination.name}` : `${flow.target.namespace}/Service/${flow.target.service}`;
    return `${source}>${server}:${flow.port}/${flow.protocol}`;
  };
  const add = (flow: Flow, into: Flow[] = flows) => {
    const key = flowKey(flow);
    if (seen.has(key)) return;
    seen.set(key, flow);
    into.push(flow);
  };

  const hostIndex = serviceHostIndex(inventory.services);
  const apiServer: ApiServerReference[] = [];
  for (const workload of inventory.workloads) {
    if (isScaledToZero(workload)) continue;
    for (const reference of serviceReferences(workload, inventory, hostIndex, platformNames, apiServer)) {
      const reason = `${reference.where} names ${reference.text}`;
      if (reference.absent) {
        add(flowToAbsentServer(reference.absent, reference, workload, reason));
        continue;
      }
      if (reference.outside) {
        add(flowToOutsideServer(reference.outside, workload, `${reason}${reference.outside.portSource ? ` (port ${reference.outside.port} ${reference.outside.portSource})` : ''}`), outside);
        continue;
      }
      for (const flow of flowsToService(reference.service!, reference.port, { type: 'workload', workload }, reason, reference.scheme, reference.query)) {
        if (flow.destination === workload) continue;
        // A server mounts its chart's scripts for every role (Bitnami's start-replica.sh in the
        // Redis master), so a peer named there is no sign that this server calls it.
        if (reference.inConfigMap && flow.destination && isSameReleaseServer(workload, flow.destination)) continue;
        add(flow);
      }
    }
  }

  // A flow that the chart's profile explains keeps the reasons of both. The others stay out of
  // the application flows for now, so the transport checks do not judge them.
  const chartInternal: Flow[] = [];
  for (const flow of chartInternalFlows(inventory, (workload) => !isScaledToZero(workload))) {
    const existing = seen.get(flowKey(flow));
    if (existing) existing.reasons.push(...flow.reasons.filter((reason) => !existing.reasons.includes(reason)));
    else add(flow, chartInternal);
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
        reasons: [`${workload.name} is a ${chart.serverName?.(workload) ?? chart.chart} server; its clients are not in the input`],
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
        reasons: [`${chart.serverName?.(workload) ?? chart.chart} servers connect to each other on port ${port.port} (${port.name})`],
      });
    }
  }
  return { application: flows, outside, chartInternal, apiServer };
}

/** Tells whether a controller has `replicas: 0`: it runs no pods, so nothing connects to it. */
function isScaledToZero(workload: Workload): boolean {
  const spec = workload.resource.body.spec;
  return isRecord(spec) && spec.replicas === 0;
}

/** Tells whether two workloads are servers of one backing chart and one Helm release, such as a Redis master and its replicas. */
function isSameReleaseServer(a: Workload, b: Workload): boolean {
  const chart = backingChartOf(a);
  return chart !== undefined && chart === backingChartOf(b) && isChartHelper(a, b);
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

function flowToOutsideServer(outside: OutsideServer, workload: Workload, reason: string): Flow {
  return {
    source: { type: 'workload', workload },
    target: { service: outside.name, namespace: outside.namespace },
    port: outside.port,
    protocol: 'TCP',
    appProtocol: outside.appProtocol,
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
  /** A Service that is not in the input and not one of the platform's datastores. */
  outside?: OutsideServer;
  port?: number;
  scheme?: string;
  /** Query of the URL that contains the host (`sslmode=verify-full`), when it has one. */
  query?: string;
  text: string;
  where: string;
  /** True when the text is a key of a mounted ConfigMap rather than the workload's own env or args. */
  inConfigMap?: boolean;
}

/** A Service named as an address but not in the input: its name, namespace and port are known, its pods are not. */
interface OutsideServer {
  name: string;
  namespace: string;
  port: number;
  appProtocol: AppProtocol;
  /** Source of the port when the address itself has none: "from CATALOG_PORT", "by default for http://". */
  portSource?: string;
}

/** A Service name as the API accepts it (an RFC 1035 label) and a namespace name (an RFC 1123 label). */
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Ports that a URL scheme implies when the URL gives none. */
const SCHEME_PORTS: Record<string, { port: number; appProtocol: AppProtocol }> = {
  http: { port: 80, appProtocol: 'http' },
  ws: { port: 80, appProtocol: 'http' },
  https: { port: 443, appProtocol: 'https' },
  wss: { port: 443, appProtocol: 'https' },
  nats: { port: 4222, appProtocol: 'nats' },
  tls: { port: 4222, appProtocol: 'nats' },
  redis: { port: 6379, appProtocol: 'redis' },
  rediss: { port: 6379, appProtocol: 'redis' },
  postgres: { port: 5432, appProtocol: 'postgres' },
  postgresql: { port: 5432, appProtocol: 'postgres' },
};

/**
 * Reads a host as a Service of the cluster: `svc` in the client's namespace, `svc.ns` when ns is a
 * namespace of the input, `svc.ns.svc` or `svc.ns.svc.cluster.local`. Other dotted names are taken
 * for hosts outside the cluster (`api.example.com`), so they make no flow.
 */
function clusterServiceName(host: string, clientNamespace: string, inventory: Inventory): { name: string; namespace: string } | undefined {
  const [name, namespace = clientNamespace, ...rest] = host.split('.');
  const suffix = rest.join('.');
  if (suffix !== '' && suffix !== 'svc' && suffix !== 'svc.cluster.local') return undefined;
  if (rest.length === 0 && namespace !== clientNamespace && !inventory.namespaces.has(namespace)) return undefined;
  if (!SERVICE_NAME.test(name) || !NAMESPACE_NAME.test(namespace) || NOT_SERVICES.has(name)) return undefined;
  return { name, namespace };
}

/**
 * Decides the port of a reference to a Service not in the input: the one in the text, the URL
 * scheme's default, or a literal `<PREFIX>_PORT` setting next to a `<PREFIX>_HOST` (or `_ADDR`…)
 * setting. Returns undefined when none applies, since a flow without a port cannot be allowed narrowly.
 */
function outsidePort(port: string | undefined, scheme: string | undefined, setting: string | undefined, env: ReadonlyMap<string, string>): Pick<OutsideServer, 'port' | 'appProtocol' | 'portSource'> | undefined {
  const byScheme = scheme ? SCHEME_PORTS[scheme] : undefined;
  if (port !== undefined) {
    const number = Number(port);
    if (!isPortNumber(number)) return undefined;
    return { port: number, appProtocol: byScheme?.appProtocol ?? 'tcp' };
  }
  if (byScheme) return { ...byScheme, portSource: `by default for ${scheme}://` };
  const prefix = setting ? addressSettingPrefix(setting) : undefined;
  if (prefix === undefined) return undefined;
  for (const sibling of [`${prefix}_PORT`, `${prefix}_port`]) {
    const value = env.get(sibling)?.trim();
    if (value && /^\d{1,5}$/.test(value) && isPortNumber(Number(value))) return { port: Number(value), appProtocol: 'tcp', portSource: `from ${sibling}` };
  }
  return undefined;
}

/** Literal env values of a workload's containers, by name; a later container's entry wins. */
function literalEnv(workload: Workload): Map<string, string> {
  const env = new Map<string, string>();
  for (const container of workload.containers) {
    for (const entry of list(container.container.env)) {
      if (isRecord(entry) && typeof entry.name === 'string' && typeof entry.value === 'string') env.set(entry.name, entry.value);
    }
  }
  return env;
}

/** Finds the Services a workload names; names of the Kubernetes API server go to `apiServer` instead. */
function serviceReferences(workload: Workload, inventory: Inventory, hostIndex: Map<string, ServiceInfo[]>, platformNames: boolean, apiServer: ApiServerReference[]): ServiceReference[] {
  const references: ServiceReference[] = [];
  const scanned = new Set<string>();
  const env = literalEnv(workload);
  // A Service not in the input is taken only from text that reads as an address. A URL counts anywhere.
  // In a setting whose name reads as an address, `host:port` counts alone or in a list of addresses
  // (not in a sentence), and so does the bare host as the whole value. Inside a multi-line file only
  // URLs count, because `key:3` lines of a config file look like a host with a port.
  const readsAsAddress = (match: RegExpExecArray, scheme: string | undefined, value: string, setting: string | undefined): boolean => {
    if (scheme !== undefined) return true;
    if (value.includes('\n') || !isAddressSetting(setting)) return false;
    return match[2] !== undefined ? isAddressList(value) : value.trim() === match[0];
  };
  const outsideReference = (match: RegExpExecArray, scheme: string | undefined, value: string, setting: string | undefined): OutsideServer | undefined => {
    const server = clusterServiceName(match[1], workload.namespace, inventory);
    // A server naming its own Service (an advertised address) is no flow.
    if (!server || (server.name === workload.name && server.namespace === workload.namespace)) return undefined;
    if (!readsAsAddress(match, scheme, value, setting)) return undefined;
    const port = outsidePort(match[2], scheme, setting, env);
    return port && { ...server, ...port };
  };

  const scan = (value: string, where: string, name?: string, inConfigMap = false) => {
    // The same text in several places names the same Services; scanning it once keeps aliases cheap.
    const scanKey = `${name ?? ''}\u0000${value}`;
    if (scanned.has(scanKey)) return;
    scanned.add(scanKey);
    HOST_PATTERN.lastIndex = 0;
    for (let match = HOST_PATTERN.exec(value); match; match = HOST_PATTERN.exec(value)) {
      // Port 0 or a port above 65535 is no address, so the text makes no flow at all.
      if (match[2] !== undefined && !isPortNumber(Number(match[2]))) continue;
      let host = match[1];
      // The user part of a URL's authority may itself contain `@`; the host follows the last one.
      const scheme = /([a-z][a-z0-9+.-]*):\/\/(?:[^/\s]*@)?$/.exec(value.slice(Math.max(0, match.index - 200), match.index))?.[1];
      const query = scheme === undefined ? undefined : /^[^\s"'?#]*\?([^\s"'#]*)/.exec(value.slice(match.index + match[0].length))?.[1];
      if (isApiServerHost(host, workload.namespace)) {
        if (scheme !== undefined || isAddressList(value) || (value.trim() === match[0] && isAddressSetting(name))) apiServer.push({ workload, text: match[0], where });
        continue;
      }
      let candidates: ServiceInfo[] | undefined = hostIndex.get(host);
      const inOwnNamespace = candidates?.some((candidate) => host.includes('.') || candidate.namespace === workload.namespace);
      if (!inOwnNamespace && platformNames) {
        // A Service that is not in the input is inferred only from text that reads as an address:
        // a URL, a port, or a setting named like one (PGHOST, NATS_URL).
        const absent = platformBackingService(host, workload.namespace, inventory);
        const looksLikeAddress = scheme !== undefined || match[2] !== undefined || (name !== undefined && DATASTORE_ADDRESS_SETTING.test(name));
        if (absent && looksLikeAddress) {
          const reference: ServiceReference = { absent, text: match[0], where };
          if (match[2]) reference.port = Number(match[2]);
          if (scheme) reference.scheme = scheme;
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
      // A bare name resolves in the client's own namespace only.
      const service = !candidates ? undefined : host.includes('.') ? candidates[0] : candidates.find((candidate) => candidate.namespace === workload.namespace);
      if (!service) {
        const outside = outsideReference(match, scheme, value, name);
        if (outside) references.push({ outside, text: match[0], where });
        continue;
      }
      const reference: ServiceReference = { service, text: match[0], where };
      if (match[2]) reference.port = Number(match[2]);
      if (scheme) reference.scheme = scheme;
      if (query) reference.query = query;
      if (inConfigMap) reference.inConfigMap = true;
      references.push(reference);
    }
  };

  for (const container of workload.containers) {
    list(container.container.env).forEach((entry) => {
      if (isRecord(entry) && typeof entry.value === 'string') scan(entry.value, `env ${String(entry.name)} of container ${container.name}`, String(entry.name));
    });
    for (const field of ['args', 'command'] as const) {
      const strings = list(container.container[field]).filter((argument): argument is string => typeof argument === 'string');
      for (const setting of argumentSettings(strings)) scan(setting.value, `${field} of container ${container.name}`, setting.name);
    }
  }
  for (const entry of configMapTexts(workload, inventory)) scan(entry.value, `ConfigMap ${entry.configMap} key ${entry.key}`, entry.key, true);
  return references;
}

function flowsToService(service: ServiceInfo, port: number | string | undefined, source: FlowSource, reason: string, scheme?: string, query?: string): Flow[] {
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
      if (query) flowTarget.query = query;
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

const cache = new WeakMap<Inventory, Map<boolean, InferredFlows>>();

function cachedFlows(inventory: Inventory, platformNames: boolean): InferredFlows {
  let byOption = cache.get(inventory);
  if (!byOption) {
    byOption = new Map();
    cache.set(inventory, byOption);
  }
  let flows = byOption.get(platformNames);
  if (!flows) {
    flows = inferAllFlows(inventory, platformNames);
    byOption.set(platformNames, flows);
  }
  return flows;
}

/**
 * Returns the flows of an Inventory, inferred once and shared by every check that reads them.
 * `platformNames` adds flows to the platform's datastores named by clients but not in the input.
 */
export function flowsOf(inventory: Inventory, platformNames = true): Flow[] {
  return cachedFlows(inventory, platformNames).application;
}

/**
 * Returns the flows to Services that clients name as addresses but the input does not contain,
 * apart from the platform's datastores that flowsOf covers. Their server's namespace, name and
 * port are known but not its pods. The transport checks leave them out, because nothing is known
 * of how such a server protects the connection.
 */
export function outsideFlowsOf(inventory: Inventory, platformNames = true): Flow[] {
  return cachedFlows(inventory, platformNames).outside;
}

/**
 * Returns the flows between parts of one chart release that the profiles know but no address in
 * the input shows: nats-box to its NATS server, Bitnami Redis replicas to their master, and
 * Sentinel nodes to each other. The transport checks leave them out.
 */
export function chartInternalFlowsOf(inventory: Inventory, platformNames = true): Flow[] {
  return cachedFlows(inventory, platformNames).chartInternal;
}

/** Returns the workloads that name the Kubernetes API server, each with where it names it. */
export function apiServerReferencesOf(inventory: Inventory, platformNames = true): ApiServerReference[] {
  return cachedFlows(inventory, platformNames).apiServer;
}
