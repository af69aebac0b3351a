import type { Inventory } from '../model/inventory.js';
import { flowsOf, type Flow } from '../model/flows.js';
import { backingChartOf } from '../profiles/index.js';
import { secretMounts } from '../profiles/containers.js';
import type { BackingChart, ClientView, ServerTls } from '../profiles/types.js';
import { isRecord, list } from '../model/access.js';
import type { Workload } from '../model/workloads.js';
import { linkerdSetting, meshOfNamespace, meshOfWorkload, meshTitle, parsePortList, portListed, sameMesh, type MeshMembership } from './mesh.js';

export type Verdict = 'mesh-mtls' | 'tls' | 'tls-optional' | 'plaintext';

/** Verdicts from the strongest to the weakest, for sorting and summaries. */
export const VERDICTS: readonly Verdict[] = ['mesh-mtls', 'tls', 'tls-optional', 'plaintext'];

/** One flow of the encryption map: how it is protected and the facts behind that. */
export interface FlowEncryption {
  flow: Flow;
  verdict: Verdict;
  client: MeshMembership;
  server: MeshMembership;
  tls?: ServerTls;
  evidence: string[];
  /**
   * Whether the client checks the server's certificate, for a `tls` verdict: true when its
   * settings show it, false when they show it does not, undefined when they show neither.
   */
  serverVerified?: boolean;
  /**
   * Reason the server rejects this client although both speak TLS: the server requires a client
   * certificate and the client's settings show it presents none. The flow is then broken, not encrypted.
   */
  refused?: string;
}

function clientMesh(flow: Flow, inventory: Inventory): MeshMembership {
  const source = flow.source;
  if (source.type === 'workload') return meshOfWorkload(source.workload, inventory);
  if (source.type === 'clients' || source.type === 'pods') {
    const name = source.type === 'clients' ? source.namespace : source.pods.namespace;
    const namespace = inventory.namespaces.get(name);
    return namespace ? meshOfNamespace(namespace) : { evidence: `the clients' namespace ${name} is not in the input` };
  }
  return { evidence: 'the ingress controller is not in the input, so its mesh membership is unknown' };
}

/**
 * Decides how one flow is encrypted. Mesh mTLS needs both ends in the same mesh and the port
 * not skipped by either proxy; otherwise the server's own TLS, and the client's demand for
 * it, decide.
 */
export function classifyFlow(flow: Flow, inventory: Inventory): FlowEncryption {
  const client = clientMesh(flow, inventory);
  const server = serverMesh(flow, inventory);
  const evidence: string[] = [`client: ${client.evidence}`, `server: ${server.evidence}`];

  if (client.mesh && server.mesh && sameMesh(client.mesh, server.mesh)) {
    const skipped = skippedByProxy(flow, inventory);
    if (!skipped) return { flow, verdict: 'mesh-mtls', client, server, evidence };
    evidence.push(skipped);
  } else {
    const gap = meshGap(client, server);
    if (gap) evidence.push(gap);
  }

  const view = clientView(flow, inventory);
  if (!flow.destination) return classifyByClient(flow, view, client, server, evidence);

  const chart = backingChartOf(flow.destination);
  if (chart) return classifyByServer(flow, flow.destination, chart, view, inventory, { client, server, evidence });
  if (flow.appProtocol === 'https') return { flow, verdict: 'tls', client, server, evidence: [...evidence, `port ${flow.port} serves HTTPS`] };
  return { flow, verdict: 'plaintext', client, server, evidence };
}

/** Explains why the mesh does not encrypt a flow with at most one meshed end, or with ends in different meshes. */
function meshGap(client: MeshMembership, server: MeshMembership): string | undefined {
  if (client.mesh && server.mesh) return `the client is in ${meshTitle(client.mesh)} and the server in ${meshTitle(server.mesh)}, which do not exchange mTLS, so the mesh does not encrypt this flow`;
  if (client.mesh) return `the client is meshed by ${meshTitle(client.mesh)} but the server is not, so the client's proxy sends this flow without mTLS`;
  if (server.mesh) return `the server is meshed by ${meshTitle(server.mesh)} but the client is not, so the server's proxy receives this flow without mTLS`;
  return undefined;
}

/** Returns the server's mesh membership; a server not in the input is taken to follow its namespace's injection. */
function serverMesh(flow: Flow, inventory: Inventory): MeshMembership {
  if (flow.destination) return meshOfWorkload(flow.destination, inventory);
  const namespace = inventory.namespaces.get(flow.target.namespace);
  return namespace ? meshOfNamespace(namespace) : { evidence: `the server and its namespace ${flow.target.namespace} are not in the input` };
}

interface Ends {
  client: MeshMembership;
  server: MeshMembership;
  evidence: string[];
}

/**
 * Judges a flow by the server's TLS as rendered. A server that also accepts plaintext still
 * gives a client that insists on TLS an encrypted flow, because that client never falls back.
 */
function classifyByServer(flow: Flow, destination: Workload, chart: BackingChart, view: ClientView | undefined, inventory: Inventory, ends: Ends): FlowEncryption {
  const { client, server, evidence } = ends;
  const tls = chart.tls(destination, inventory, flow.port);
  evidence.push(...tls.evidence);
  const demand = view ? chart.clientRequiresTls(view) : undefined;

  if (tls.mode === 'off') {
    if (demand?.requires) evidence.push(`${demand.evidence}, but the server does not offer TLS, so the connection fails`);
    return { flow, verdict: 'plaintext', client, server, tls, evidence };
  }
  if (tls.mode === 'optional' && !demand?.requires) {
    evidence.push(demand ? demand.evidence : 'the clients are not in the input, so nothing shows that they insist on TLS');
    return { flow, verdict: 'tls-optional', client, server, tls, evidence };
  }
  if (tls.mode === 'optional' && demand) evidence.push(`${demand.evidence}, so this client does not fall back to plaintext`);

  const verification = verificationOf(chart, view);
  evidence.push(verification.evidence);
  const refused = refusal(chart, tls, view);
  if (refused) evidence.push(refused);
  return { flow, verdict: 'tls', client, server, tls, evidence, ...(verification.verified !== undefined ? { serverVerified: verification.verified } : {}), ...(refused ? { refused } : {}) };
}

/** Explains why a server that requires client certificates rejects this client, when the client's settings show it presents none. */
function refusal(chart: BackingChart, tls: ServerTls, view: ClientView | undefined): string | undefined {
  if (!tls.verifiesClients || !view) return undefined;
  const certificate = chart.clientPresentsCertificate?.(view);
  if (!certificate || certificate.presents) return undefined;
  return `the server requires a client certificate but ${certificate.evidence}, so the server refuses the connection`;
}

/**
 * Judges a flow whose server is not in the input by its client: a client that insists on
 * TLS either gets it or fails, so the flow is TLS; otherwise nothing shows it is encrypted.
 */
function classifyByClient(flow: Flow, view: ClientView | undefined, client: MeshMembership, server: MeshMembership, evidence: string[]): FlowEncryption {
  const chart = flow.target.chart;
  if (!chart || !view) return { flow, verdict: 'plaintext', client, server, evidence: [...evidence, 'the server is not in the input'] };
  const demand = chart.clientRequiresTls(view);
  evidence.push('the server is not in the input', demand.evidence);
  if (!demand.requires) return { flow, verdict: 'plaintext', client, server, evidence };
  const verification = verificationOf(chart, view);
  evidence.push(verification.evidence);
  return { flow, verdict: 'tls', client, server, evidence, ...(verification.verified !== undefined ? { serverVerified: verification.verified } : {}) };
}

function verificationOf(chart: BackingChart, view: ClientView | undefined): { verified?: boolean; evidence: string } {
  if (!view) return { evidence: 'the clients are not in the input, so whether they verify the server certificate is unknown' };
  const result = chart.clientVerifiesServer?.(view);
  return result ?? { evidence: 'the input does not show whether the client verifies the server certificate' };
}

/** Collects the client settings that bear on TLS, or returns undefined when the client is not a workload of the input. */
function clientView(flow: Flow, inventory: Inventory): ClientView | undefined {
  if (flow.source.type !== 'workload') return undefined;
  const workload = flow.source.workload;
  const view: ClientView = { env: clientEnv(workload, inventory), parameters: new URLSearchParams(flow.target.query ?? ''), secretMounts: secretMounts(workload) };
  if (flow.target.scheme) view.scheme = flow.target.scheme;
  return view;
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

/**
 * Finds a proxy setting that sends the port around the mesh, so that the mesh does not encrypt
 * it: Linkerd's skip ports (on the pod template or inherited from the namespace) and Istio's
 * excluded ports.
 */
function skippedByProxy(flow: Flow, inventory: Inventory): string | undefined {
  const checks: { workload: Workload | undefined; annotation: string; end: string }[] = [
    { workload: flow.destination, annotation: 'config.linkerd.io/skip-inbound-ports', end: 'server' },
    { workload: flow.destination, annotation: 'traffic.sidecar.istio.io/excludeInboundPorts', end: 'server' },
    { workload: flow.source.type === 'workload' ? flow.source.workload : undefined, annotation: 'config.linkerd.io/skip-outbound-ports', end: 'client' },
    { workload: flow.source.type === 'workload' ? flow.source.workload : undefined, annotation: 'traffic.sidecar.istio.io/excludeOutboundPorts', end: 'client' },
  ];
  for (const { workload, annotation, end } of checks) {
    if (!workload) continue;
    const setting = annotation.startsWith('config.linkerd.io/') ? linkerdSetting(workload, inventory, annotation) : workload.podAnnotations[annotation] !== undefined ? { value: workload.podAnnotations[annotation], setBy: 'pod-template' as const } : undefined;
    if (!setting || !portListed(parsePortList(setting.value), flow.port)) continue;
    const where = setting.setBy === 'namespace' ? `its namespace's ${annotation}` : annotation;
    return `the ${end} sends port ${flow.port} around the proxy (${where}: "${setting.value}"), so the mesh does not encrypt it`;
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
