import { PLATFORM_COMPONENTS } from '../../profiles/howso-platform.js';
import type { FlowSource } from '../../model/flows.js';
import type { FlowEncryption } from '../../transport/encryption.js';
import { LINKERD_INJECT, meshTitle, type MeshMembership, type MeshName } from '../../transport/mesh.js';

/**
 * Describes the cheapest fix for one unencrypted flow: put the end that is not meshed into
 * the mesh the other end already uses (Linkerd when neither is meshed), or undo the setting
 * that sends the port around the proxy. Ends in two different meshes can only use TLS.
 */
export function flowMeshFix(entry: FlowEncryption): string | undefined {
  const { flow, client, server } = entry;
  if (client.mesh && server.mesh && client.mesh !== server.mesh && !(client.mesh.startsWith('istio') && server.mesh.startsWith('istio'))) return undefined;

  const skip = entry.evidence.find((line) => line.includes('around the proxy'));
  if (client.mesh && server.mesh && skip) return `Remove port ${flow.port} from the skip or exclude annotation named here (${skip.replace(/, so the mesh.*$/, '')}), so that the proxy encrypts it.`;

  const mesh: MeshName = client.mesh ?? server.mesh ?? 'linkerd';
  const steps: string[] = [];
  const serverNamespace = flow.destination?.namespace ?? flow.target.namespace;
  const serverName = flow.destination ? `${flow.destination.kind} ${flow.destination.namespace}/${flow.destination.name}` : `the server of Service ${flow.target.namespace}/${flow.target.service}`;
  const clientNamespace = sourceNamespace(flow.source);
  const clientName = flow.source.type === 'workload' ? `${flow.source.workload.kind} ${flow.source.workload.namespace}/${flow.source.workload.name}` : undefined;

  const namespaces = new Set<string>();
  if (!server.mesh) steps.push(...joinStep(server, serverName, serverNamespace, mesh, namespaces));
  if (!client.mesh) {
    if (clientNamespace === undefined) steps.push(`mesh the ingress controller with ${meshTitle(mesh)}`);
    else steps.push(...joinStep(client, clientName, clientNamespace, mesh, namespaces));
  }
  if (steps.length === 0) return undefined;

  const opaque = mesh === 'linkerd' && flow.target.chart?.id === 'nats' ? `; declare NATS port ${flow.port} opaque with config.linkerd.io/opaque-ports on the NATS Service and pods (NATS chart values service.merge.metadata.annotations and podTemplate.merge.metadata.annotations), since NATS speaks first` : '';
  return `${capitalise(steps.join(' and '))}${opaque}, then restart the pods so that the proxy is injected.`;
}

/** Returns the namespace of a flow's client, or undefined for the ingress controller. */
function sourceNamespace(source: FlowSource): string | undefined {
  if (source.type === 'workload') return source.workload.namespace;
  if (source.type === 'clients') return source.namespace;
  if (source.type === 'pods') return source.pods.namespace;
  return undefined;
}

/** Builds the step that puts an end into the mesh: undo its pod's opt-out, or turn injection on for its namespace (once). */
function joinStep(end: MeshMembership, workload: string | undefined, namespace: string, mesh: MeshName, namespaces: Set<string>): string[] {
  if (end.setBy === 'pod-template' && workload) return [`remove the opt-out from the pod template of ${workload} (${end.evidence.replace(/^pod template sets /, '')})`];
  if (namespaces.has(namespace)) return [];
  namespaces.add(namespace);
  if (mesh === 'linkerd') return [`annotate namespace ${namespace} with ${LINKERD_INJECT}: enabled`];
  if (mesh === 'istio-ambient') return [`label namespace ${namespace} with istio.io/dataplane-mode=ambient`];
  return [`label namespace ${namespace} with istio-injection=enabled`];
}

/**
 * Describes the TLS fix for one unencrypted flow, as a clause that ends the sentence: the backing
 * chart's TLS values, the platform's podTLS for its own HTTP services, or TLS on the server in
 * general. The ingress controller must also be configured to speak HTTPS to a backend that serves it.
 */
export function flowTlsFix(entry: FlowEncryption): string {
  const { flow } = entry;
  const chart = flow.target.chart;
  const fromIngress = flow.source.type === 'ingress-controller';
  if (chart) {
    const clients = flow.destination ? 'make its clients require and verify it' : 'make the client require and verify it';
    return `turn on TLS in the ${chart.chart} chart (${chart.tlsValues}) and ${clients}.`;
  }
  const component = PLATFORM_COMPONENTS.find((candidate) => candidate.subdomain && flow.destination?.name === candidate.name);
  if (component?.subdomain) {
    const valuesKey = component.subdomain.key.replace(/\.subdomain$/, '');
    const backend = fromIngress ? `, and have the ingress controller speak HTTPS to it (for ingress-nginx, nginx.ingress.kubernetes.io/backend-protocol: HTTPS in ${valuesKey}.ingress.annotations)` : ', and the platform\'s services then call each other over https://';
    return `turn on podTLS in the platform chart (podTLS.enabled: true), so that an nginx sidecar serves HTTPS on 8443 in front of ${component.name}${backend}.`;
  }
  const server = flow.destination ? `${flow.destination.kind} ${flow.destination.namespace}/${flow.destination.name}` : `the server of Service ${flow.target.namespace}/${flow.target.service}`;
  if (fromIngress) return `serve HTTPS on port ${flow.port} of ${server} and have the ingress controller speak HTTPS to it (for ingress-nginx, the backend-protocol annotation).`;
  return `serve TLS on port ${flow.port} of ${server} and make the client require it and verify the server certificate.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
