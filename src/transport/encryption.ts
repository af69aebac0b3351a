import type { Inventory } from '../model/inventory.js';
import { flowsOf, type Flow } from '../model/flows.js';
import { backingChartOf } from '../profiles/index.js';
import type { ServerTls } from '../profiles/types.js';
import { meshOfNamespace, meshOfWorkload, parsePortList, portListed, type MeshMembership } from './mesh.js';

export type Verdict = 'mesh-mtls' | 'tls' | 'tls-optional' | 'plaintext';

/** One flow of the encryption map: how it is protected and the facts behind that. */
export interface FlowEncryption {
  flow: Flow;
  verdict: Verdict;
  client: MeshMembership;
  server: MeshMembership;
  tls?: ServerTls;
  evidence: string[];
}

function clientMesh(flow: Flow, inventory: Inventory): MeshMembership {
  if (flow.source.type === 'workload') return meshOfWorkload(flow.source.workload, inventory);
  if (flow.source.type === 'clients') {
    const namespace = inventory.namespaces.get(flow.source.namespace);
    return namespace ? meshOfNamespace(namespace) : { evidence: 'the clients are not in the input' };
  }
  return { evidence: 'the ingress controller is not in the input, so its mesh membership is unknown' };
}

/**
 * Decides how one flow is encrypted. Mesh mTLS needs both ends in the same mesh and the port
 * not skipped by either proxy; otherwise the server's own TLS decides.
 */
export function classifyFlow(flow: Flow, inventory: Inventory): FlowEncryption {
  const client = clientMesh(flow, inventory);
  const server = meshOfWorkload(flow.destination, inventory);
  const evidence: string[] = [`client: ${client.evidence}`, `server: ${server.evidence}`];

  if (client.mesh && server.mesh && sameMesh(client.mesh, server.mesh)) {
    const skipped = skippedByLinkerd(flow);
    if (!skipped) return { flow, verdict: 'mesh-mtls', client, server, evidence };
    evidence.push(skipped);
  }

  const chart = backingChartOf(flow.destination);
  if (chart) {
    const tls = chart.tls(flow.destination, inventory, flow.port);
    evidence.push(...tls.evidence);
    const verdict: Verdict = tls.mode === 'required' ? 'tls' : tls.mode === 'optional' ? 'tls-optional' : 'plaintext';
    return { flow, verdict, client, server, tls, evidence };
  }
  if (flow.appProtocol === 'https') return { flow, verdict: 'tls', client, server, evidence: [...evidence, `port ${flow.port} serves HTTPS`] };
  return { flow, verdict: 'plaintext', client, server, evidence };
}

function sameMesh(a: string, b: string): boolean {
  return a === b || (a.startsWith('istio') && b.startsWith('istio'));
}

/** Linkerd's skip-ports annotations send a port around the proxy, so the mesh does not encrypt it. */
function skippedByLinkerd(flow: Flow): string | undefined {
  const inbound = parsePortList(flow.destination.podAnnotations['config.linkerd.io/skip-inbound-ports']);
  if (portListed(inbound, flow.port)) return `the server skips port ${flow.port} in config.linkerd.io/skip-inbound-ports`;
  if (flow.source.type === 'workload') {
    const outbound = parsePortList(flow.source.workload.podAnnotations['config.linkerd.io/skip-outbound-ports']);
    if (portListed(outbound, flow.port)) return `the client skips port ${flow.port} in config.linkerd.io/skip-outbound-ports`;
  }
  return undefined;
}

const cache = new WeakMap<Inventory, FlowEncryption[]>();

/** The encryption map: every inferred flow with its verdict, computed once per Inventory. */
export function encryptionMap(inventory: Inventory): FlowEncryption[] {
  let map = cache.get(inventory);
  if (!map) {
    map = flowsOf(inventory).map((flow) => classifyFlow(flow, inventory));
    cache.set(inventory, map);
  }
  return map;
}
