import { meshOfNamespace, meshOfWorkload } from '../transport/mesh.js';
import { chartInternalFlowsOf, flowsOf, outsideFlowsOf, type ExternalPods, type Flow } from './flows.js';
import type { Inventory } from './inventory.js';
import type { Workload } from './workloads.js';

/** The cluster DNS: CoreDNS keeps the kube-dns name and the `k8s-app: kube-dns` pod label. */
export const KUBE_DNS: ExternalPods = { name: 'kube-dns', namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };

export const LINKERD_NAMESPACE = 'linkerd';

/** Port on which a Linkerd proxy receives all meshed traffic (https://linkerd.io/2/common-errors/network-policy/). */
export const LINKERD_PROXY_INBOUND_PORT = 4143;

/** Port of the Linkerd proxy's admin server, which serves /metrics, /live and /ready. */
export const LINKERD_PROXY_ADMIN_PORT = 4191;

/**
 * Control-plane endpoints every Linkerd proxy calls: the identity controller issues its certificate,
 * the destination controller resolves services and serves the policy API from the same pods.
 */
const LINKERD_CONTROL_PLANE: { pods: ExternalPods; service: string; port: number; role: string }[] = [
  { pods: { name: 'the Linkerd identity controller', namespace: LINKERD_NAMESPACE, podLabels: { 'linkerd.io/control-plane-component': 'identity' } }, service: 'linkerd-identity', port: 8080, role: 'certificate requests' },
  { pods: { name: 'the Linkerd destination controller', namespace: LINKERD_NAMESPACE, podLabels: { 'linkerd.io/control-plane-component': 'destination' } }, service: 'linkerd-dst', port: 8086, role: 'service discovery' },
  { pods: { name: 'the Linkerd policy controller', namespace: LINKERD_NAMESPACE, podLabels: { 'linkerd.io/control-plane-component': 'destination' } }, service: 'linkerd-policy', port: 8090, role: 'inbound policy' },
];

// NOTE: assumed pod labels of linkerd-viz's Prometheus, not checked against a linkerd-viz render.
// A Prometheus of your own that scrapes the proxies needs its own rule.
export const LINKERD_METRICS_SCRAPER: ExternalPods = { name: 'the linkerd-viz Prometheus', namespace: 'linkerd-viz', podLabels: { component: 'prometheus' } };

/**
 * Returns every flow the install needs: the application flows of flowsOf, chartInternalFlowsOf and
 * outsideFlowsOf, plus DNS for every workload and, for Linkerd-meshed workloads, the proxy's inbound
 * and admin ports and its control plane. Transport checks read flowsOf alone.
 */
export function neededFlowsOf(inventory: Inventory, platformNames = true): Flow[] {
  const application = flowsOf(inventory, platformNames);
  const outside = outsideFlowsOf(inventory, platformNames);
  const served = [...application, ...chartInternalFlowsOf(inventory, platformNames)];
  return [...served, ...outside, ...dnsFlows(inventory), ...linkerdFlows(inventory, served), ...linkerdOutsideFlows(inventory, [...application, ...outside])];
}

function dnsFlows(inventory: Inventory): Flow[] {
  const flows: Flow[] = [];
  for (const workload of inventory.workloads) {
    for (const protocol of ['UDP', 'TCP']) {
      flows.push({
        source: { type: 'workload', workload },
        target: { service: 'kube-dns', namespace: KUBE_DNS.namespace },
        destinationPods: KUBE_DNS,
        port: 53,
        protocol,
        appProtocol: 'dns',
        reasons: [`every pod resolves Service names through the cluster DNS (${protocol} for ${protocol === 'UDP' ? 'queries' : 'large answers'})`],
        purpose: 'dns',
      });
    }
  }
  return flows;
}

function linkerdFlows(inventory: Inventory, application: Flow[]): Flow[] {
  const meshed = new Map<Workload, string>();
  for (const workload of inventory.workloads) {
    const membership = meshOfWorkload(workload, inventory);
    if (membership.mesh === 'linkerd') meshed.set(workload, membership.evidence);
  }
  const flows: Flow[] = [];

  for (const [workload, evidence] of meshed) {
    for (const endpoint of LINKERD_CONTROL_PLANE) {
      flows.push({
        source: { type: 'workload', workload },
        target: { service: endpoint.service, namespace: LINKERD_NAMESPACE },
        destinationPods: endpoint.pods,
        port: endpoint.port,
        protocol: 'TCP',
        appProtocol: 'tcp',
        reasons: [`the Linkerd proxy calls ${endpoint.service} for ${endpoint.role} (${evidence})`],
        purpose: 'mesh',
      });
    }
    flows.push({
      source: { type: 'pods', pods: LINKERD_METRICS_SCRAPER },
      destination: workload,
      target: { service: workload.name, namespace: workload.namespace },
      port: LINKERD_PROXY_ADMIN_PORT,
      protocol: 'TCP',
      appProtocol: 'http',
      reasons: [`linkerd-viz scrapes the proxy's metrics on its admin port (${evidence})`],
      purpose: 'mesh',
    });
  }

  // Meshed traffic reaches the server's proxy on its inbound port instead of the application port.
  const seen = new Set<string>();
  for (const flow of application) {
    const destination = flow.destination;
    if (!destination || !meshed.has(destination)) continue;
    const source = flow.source;
    let key: string;
    let reason: string;
    if (source.type === 'workload' && meshed.has(source.workload)) {
      key = `${source.workload.namespace}/${source.workload.kind}/${source.workload.name}`;
      reason = `meshed client ${source.workload.name} reaches ${destination.name} on port ${flow.port} through the proxy's inbound port`;
    } else if (source.type === 'ingress-controller') {
      key = 'ingress-controller';
      reason = `a meshed ingress controller reaches ${destination.name} on port ${flow.port} through the proxy's inbound port`;
    } else continue;
    const destinationKey = `${destination.namespace}/${destination.kind}/${destination.name}`;
    if (seen.has(`${key}>${destinationKey}`)) continue;
    seen.add(`${key}>${destinationKey}`);
    flows.push({
      source,
      destination,
      target: flow.target,
      ...(flow.service ? { service: flow.service } : {}),
      port: LINKERD_PROXY_INBOUND_PORT,
      protocol: 'TCP',
      appProtocol: 'tcp',
      reasons: [reason],
      purpose: 'mesh',
    });
  }
  return flows;
}

/**
 * Adds the proxy's inbound port for flows from a meshed client to a Service not in the input whose
 * namespace Linkerd injects: the server's pods are taken to follow their namespace.
 */
function linkerdOutsideFlows(inventory: Inventory, flows: Flow[]): Flow[] {
  const out: Flow[] = [];
  const seen = new Set<string>();
  for (const flow of flows) {
    if (flow.destination || flow.destinationPods || flow.source.type !== 'workload') continue;
    const namespace = inventory.namespaces.get(flow.target.namespace);
    const server = namespace ? meshOfNamespace(namespace) : undefined;
    const client = meshOfWorkload(flow.source.workload, inventory);
    if (server?.mesh !== 'linkerd' || client.mesh !== 'linkerd') continue;
    const source = flow.source.workload;
    const key = `${source.namespace}/${source.kind}/${source.name}>${flow.target.namespace}/${flow.target.service}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      source: flow.source,
      target: flow.target,
      port: LINKERD_PROXY_INBOUND_PORT,
      protocol: 'TCP',
      appProtocol: 'tcp',
      reasons: [`meshed client ${source.name} reaches Service ${flow.target.service} on port ${flow.port} through the proxy's inbound port (${server.evidence})`],
      purpose: 'mesh',
    });
  }
  return out;
}
