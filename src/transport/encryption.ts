import type { Inventory } from '../model/inventory.js';
import { flowsOf, type Flow } from '../model/flows.js';
import { backingChartOf } from '../profiles/index.js';
import type { ClientView, ServerTls } from '../profiles/types.js';
import { isRecord, list } from '../model/access.js';
import type { Workload } from '../model/workloads.js';
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
  const server = serverMesh(flow, inventory);
  const evidence: string[] = [`client: ${client.evidence}`, `server: ${server.evidence}`];

  if (client.mesh && server.mesh && sameMesh(client.mesh, server.mesh)) {
    const skipped = skippedByLinkerd(flow);
    if (!skipped) return { flow, verdict: 'mesh-mtls', client, server, evidence };
    evidence.push(skipped);
  }

  if (!flow.destination) return classifyByClient(flow, inventory, client, server, evidence);

  const chart = backingChartOf(flow.destination);
  if (chart) {
    const tls = chart.tls(flow.destination, inventory, flow.port);
    evidence.push(...tls.evidence);
    const verdicts: Record<ServerTls['mode'], Verdict> = { required: 'tls', optional: 'tls-optional', off: 'plaintext' };
    const verdict = verdicts[tls.mode];
    return { flow, verdict, client, server, tls, evidence };
  }
  if (flow.appProtocol === 'https') return { flow, verdict: 'tls', client, server, evidence: [...evidence, `port ${flow.port} serves HTTPS`] };
  return { flow, verdict: 'plaintext', client, server, evidence };
}

/** Returns the server's mesh membership; a server not in the input is taken to follow its namespace's injection. */
function serverMesh(flow: Flow, inventory: Inventory): MeshMembership {
  if (flow.destination) return meshOfWorkload(flow.destination, inventory);
  const namespace = inventory.namespaces.get(flow.target.namespace);
  return namespace ? meshOfNamespace(namespace) : { evidence: `the server and its namespace ${flow.target.namespace} are not in the input` };
}

/**
 * Judges a flow whose server is not in the input by its client: a client that insists on
 * TLS either gets it or fails, so the flow is TLS; otherwise nothing shows it is encrypted.
 */
function classifyByClient(flow: Flow, inventory: Inventory, client: MeshMembership, server: MeshMembership, evidence: string[]): FlowEncryption {
  const chart = flow.target.chart;
  if (!chart || flow.source.type !== 'workload') return { flow, verdict: 'plaintext', client, server, evidence: [...evidence, 'the server is not in the input'] };
  const view: ClientView = { env: clientEnv(flow.source.workload, inventory), parameters: new URLSearchParams(flow.target.query ?? '') };
  if (flow.target.scheme) view.scheme = flow.target.scheme;
  const clientTls = chart.clientRequiresTls(view);
  evidence.push('the server is not in the input', clientTls.evidence);
  return { flow, verdict: clientTls.requires ? 'tls' : 'plaintext', client, server, evidence };
}

/**
 * Collects the client's literal env: `env` values and the keys of ConfigMaps named in
 * `envFrom` (with their prefix). Values from Secrets are not read.
 */
function clientEnv(workload: Workload, inventory: Inventory): Map<string, string> {
  const env = new Map<string, string>();
  for (const container of workload.containers) {
    for (const source of list(container.container.envFrom)) {
      if (!isRecord(source) || !isRecord(source.configMapRef) || typeof source.configMapRef.name !== 'string') continue;
      const configMap = inventory.find('ConfigMap', workload.namespace, source.configMapRef.name);
      const prefix = typeof source.prefix === 'string' ? source.prefix : '';
      const data = configMap && isRecord(configMap.body.data) ? configMap.body.data : {};
      for (const [key, value] of Object.entries(data)) if (typeof value === 'string') env.set(prefix + key, value);
    }
    // Literal env entries come after envFrom and override it, as in the kubelet.
    for (const entry of list(container.container.env)) {
      if (isRecord(entry) && typeof entry.name === 'string' && typeof entry.value === 'string') env.set(entry.name, entry.value);
    }
  }
  return env;
}

function sameMesh(a: string, b: string): boolean {
  return a === b || (a.startsWith('istio') && b.startsWith('istio'));
}

/** Linkerd's skip-ports annotations send a port around the proxy, so the mesh does not encrypt it. */
function skippedByLinkerd(flow: Flow): string | undefined {
  const inbound = parsePortList(flow.destination?.podAnnotations['config.linkerd.io/skip-inbound-ports']);
  if (portListed(inbound, flow.port)) return `the server skips port ${flow.port} in config.linkerd.io/skip-inbound-ports`;
  if (flow.source.type === 'workload') {
    const outbound = parsePortList(flow.source.workload.podAnnotations['config.linkerd.io/skip-outbound-ports']);
    if (portListed(outbound, flow.port)) return `the client skips port ${flow.port} in config.linkerd.io/skip-outbound-ports`;
  }
  return undefined;
}

const cache = new WeakMap<Inventory, Map<boolean, FlowEncryption[]>>();

/**
 * Builds the encryption map: every inferred flow with its verdict, once per Inventory.
 * `platformNames` includes flows to the platform's datastores that are not in the input.
 */
export function encryptionMap(inventory: Inventory, platformNames = true): FlowEncryption[] {
  let byOption = cache.get(inventory);
  if (!byOption) {
    byOption = new Map();
    cache.set(inventory, byOption);
  }
  let map = byOption.get(platformNames);
  if (!map) {
    map = flowsOf(inventory, platformNames).map((flow) => classifyFlow(flow, inventory));
    byOption.set(platformNames, map);
  }
  return map;
}
