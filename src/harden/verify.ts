import { dump } from 'js-yaml';
import { loadInputs, type LoadResult } from '../load/index.js';
import { describeDestination, describeSource, describeWorkload, type ExternalPods, type Flow } from '../model/flows.js';
import { buildInventory } from '../model/inventory.js';
import { identityOf, type Resource } from '../model/resource.js';
import { ConnectionSet } from '../netpol/connections.js';
import { admitted, analyse, classConnections, rulesForClass, type Analysis } from '../netpol/connectivity.js';
import { IntervalSet } from '../netpol/intervals.js';
import type { WorkloadPeer } from '../netpol/peers.js';
import { isProtocol } from '../netpol/connections.js';
import { clientLabel, isToOutsideServer, serverLabel, type GeneratedPolicy, type IngressControllerPeer, type NetpolBundle } from './netpol.js';

/** A needed flow that the install plus the bundle denies. */
export interface DeniedFlow {
  flow: Flow;
  description: string;
  /** Namespaces whose NetworkPolicies deny the flow: the source's for egress, the destination's for ingress. */
  deniedIn: string[];
}

/** A connection between workloads of the hardened namespaces that no needed flow requires. */
export interface ExtraConnection {
  source: string;
  destination: string;
  connections: ConnectionSet;
}

export interface Proof {
  passed: boolean;
  /** Needed flows checked against the engine, DNS and the mesh control plane included. */
  checked: number;
  denied: DeniedFlow[];
  extra: ExtraConnection[];
  /** Flows not checked because one end is neither in the input nor a known infrastructure endpoint. */
  unchecked: Flow[];
  /**
   * Flows to Services not in the input, checked against a stand-in server but allowed coarsely:
   * the client may reach every pod of the server's namespace on the flow's port.
   */
  coarse: Flow[];
  /** Workloads of the hardened namespaces whose connections were compared with the needed flows. */
  workloads: number;
  /** Workloads that name the Kubernetes API server: their calls need an ipBlock rule, so they are neither allowed nor checked. */
  apiServerClients: number;
  /** Flows with a host-network end: a pod selector cannot admit them, so they are neither allowed nor checked. */
  hostNetwork: number;
  namespaces: string[];
}

/** Prefix of the stand-in workloads that play the infrastructure pods during the proof. */
const STAND_IN_PREFIX = 'rampart-stand-in-';

/** Result of checking needed flows with the connectivity engine. */
export interface NeededFlowCheck {
  analysis: Analysis;
  /** Needed flows checked, counted once per pair of engine workloads, protocol and port. */
  checked: number;
  denied: DeniedFlow[];
  /** Flows whose protocol NetworkPolicies cannot match, or whose end is neither in the input nor a stand-in. */
  unchecked: Flow[];
  /** Connections that the checked flows need, by source and destination engine workload. */
  expected: Map<string, { source: WorkloadPeer; destination: WorkloadPeer; connections: ConnectionSet }>;
}

/**
 * Returns the needed flows that the NetworkPolicies of `load` deny. It adds a stand-in Deployment
 * for each endpoint outside the input that the flows name: kube-dns, the ingress controller, the
 * Linkerd control plane and scraper, Services not in the input and their clients. A flow to or
 * from one of them is then checked against the policies of both ends.
 */
export async function deniedNeededFlows(load: LoadResult, flows: readonly Flow[], ingressController: IngressControllerPeer): Promise<NeededFlowCheck> {
  const standIns = standInsFor(flows, ingressController);
  const standInText = [...standIns.values()].map((standIn) => dump(standIn.manifest, { noRefs: true })).join('---\n');
  const loadedStandIns = await loadInputs(['-'], { readStdin: async () => standInText });
  const inventory = buildInventory({ ...load, resources: [...load.resources, ...loadedStandIns.resources], problems: [...load.problems, ...loadedStandIns.problems] });
  const analysis = analyse(inventory);

  const peerOf = new Map<Resource, WorkloadPeer>();
  for (const peer of analysis.peers.workloads) for (const resource of peer.resources) peerOf.set(resource, peer);
  const standInPeer = (key: string) => {
    const standIn = standIns.get(key);
    return standIn && analysis.peers.workloadById.get(`${standIn.namespace}/${standIn.name}[Deployment]`);
  };
  const sourcePeer = (flow: Flow): WorkloadPeer | undefined => {
    if (flow.source.type === 'workload') return peerOf.get(flow.source.workload.resource);
    if (flow.source.type === 'ingress-controller') return standInPeer(INGRESS_KEY);
    if (flow.source.type === 'pods') return standInPeer(podsKey(flow.source.pods));
    return standInPeer(clientsKey(flow));
  };
  const destinationPeer = (flow: Flow): WorkloadPeer | undefined => {
    if (flow.destination) return peerOf.get(flow.destination.resource);
    if (flow.destinationPods) return standInPeer(podsKey(flow.destinationPods));
    return standInPeer(serviceKey(flow));
  };

  const denied: DeniedFlow[] = [];
  const unchecked: Flow[] = [];
  const expected: NeededFlowCheck['expected'] = new Map();
  const checkedKeys = new Set<string>();
  for (const flow of flows) {
    const source = sourcePeer(flow);
    const destination = destinationPeer(flow);
    if (!source || !destination || !isProtocol(flow.protocol)) {
      unchecked.push(flow);
      continue;
    }
    // Pods of one owner are one engine workload, so their flows are checked once.
    const flowKey = `${source.id}\u0000${destination.id}\u0000${flow.protocol}/${flow.port}`;
    if (checkedKeys.has(flowKey)) continue;
    checkedKeys.add(flowKey);
    const wanted = ConnectionSet.of(flow.protocol, IntervalSet.of(flow.port, flow.port));
    const deniedIn = denyingNamespaces(analysis, source, destination, flow.protocol, flow.port);
    if (deniedIn.length > 0) denied.push({ flow, description: describeFlow(flow), deniedIn });
    const key = `${source.id}\u0000${destination.id}`;
    const entry = expected.get(key);
    if (entry) entry.connections = entry.connections.union(wanted);
    else expected.set(key, { source, destination, connections: wanted });
  }
  return { analysis, checked: checkedKeys.size, denied, unchecked, expected };
}

/**
 * Describes a flow's ends. A mesh flow names its destination workload, because the proxy's port
 * belongs to the pod and not to the Service of the application flow.
 */
function describeFlow(flow: Flow): string {
  const destination = flow.purpose === 'mesh' && flow.destination ? `${describeWorkload(flow.destination)} port ${flow.port} (${flow.appProtocol})` : describeDestination(flow);
  return `${describeSource(flow.source)} -> ${destination}`;
}

/**
 * Proves a bundle with the connectivity engine. It loads the install (without the policies the
 * bundle replaces) with the generated policies, and checks the needed flows with
 * deniedNeededFlows, which adds the stand-ins for infrastructure endpoints outside the input.
 * The proof passes when every needed flow with both ends known is allowed, and the workloads of
 * the hardened namespaces reach each other on exactly the ports of the needed flows and on
 * nothing else. Flows with a host-network end are left out: the engine would match their pods
 * by label, which a real cluster does not do for host-network traffic. A workload is paired with itself too: pods of one StatefulSet or of a Deployment
 * with several replicas reach each other through the same policies.
 */
export async function proveBundle(install: LoadResult, bundle: NetpolBundle, ingressController: IngressControllerPeer, policies: readonly GeneratedPolicy[] = bundle.namespaces.flatMap((entry) => entry.policies)): Promise<Proof> {
  const hardened = new Set(bundle.namespaces.map((entry) => entry.namespace));
  const generatedText = policies.map((policy) => dump(policy.manifest, { noRefs: true })).join('---\n');
  const generated = await loadInputs(['-'], { readStdin: async () => generatedText });
  // By identity, so that an earlier duplicate of a replaced policy does not take its place.
  const replaced = new Set((bundle.replacesExisting ? bundle.existingPolicies : []).map(identityOf));
  const kept = install.resources.filter((resource) => !replaced.has(identityOf(resource)));
  const hostNetwork = new Set(bundle.hostNetwork);
  const provable = bundle.flows.filter((flow) => !hostNetwork.has(flow));
  const { analysis, checked, denied, unchecked, expected } = await deniedNeededFlows({ ...install, resources: [...kept, ...generated.resources], problems: [...install.problems, ...generated.problems] }, provable, ingressController);

  const inScope = analysis.peers.workloads.filter((peer) => hardened.has(peer.namespace) && !peer.name.startsWith(STAND_IN_PREFIX));
  const extra: ExtraConnection[] = [];
  for (const source of inScope) {
    for (const destination of inScope) {
      const allowed = allowedAnywhere(analysis, source, destination);
      const surplus = allowed.subtract(expected.get(`${source.id}\u0000${destination.id}`)?.connections ?? ConnectionSet.none);
      if (!surplus.isEmpty()) extra.push({ source: source.id, destination: destination.id, connections: surplus });
    }
  }

  const coarse = provable.filter((flow) => isToOutsideServer(flow) && !unchecked.includes(flow));
  return { passed: denied.length === 0 && extra.length === 0, checked, denied, extra, unchecked, coarse, workloads: inScope.length, namespaces: [...hardened].sort(), apiServerClients: bundle.apiServerClients.length, hostNetwork: bundle.hostNetwork.length };
}

/**
 * Returns the namespaces whose policies deny the port from some pod of `source` to some pod of
 * `destination`: the source's namespace when its egress denies it, the destination's when its
 * ingress does. An empty list means every pod pair is allowed.
 */
function denyingNamespaces(analysis: Analysis, source: WorkloadPeer, destination: WorkloadPeer, protocol: 'TCP' | 'UDP' | 'SCTP', port: number): string[] {
  const namespaces = new Set<string>();
  for (const from of source.classes) {
    for (const to of destination.classes) {
      if (!admitted(rulesForClass(analysis.egress[from.index], to), to).allows(protocol, port)) namespaces.add(from.namespace);
      if (!admitted(rulesForClass(analysis.ingress[to.index], from), to).allows(protocol, port)) namespaces.add(to.namespace);
    }
  }
  return [...namespaces].sort();
}

/** Returns what some pod of `source` may open to some pod of `destination`. */
function allowedAnywhere(analysis: Analysis, source: WorkloadPeer, destination: WorkloadPeer): ConnectionSet {
  let sum = ConnectionSet.none;
  for (const from of source.classes) for (const to of destination.classes) sum = sum.union(classConnections(analysis, from, to));
  return sum;
}

const INGRESS_KEY = 'ingress-controller';

function podsKey(pods: ExternalPods): string {
  return `${pods.namespace}\u0000${JSON.stringify(Object.entries(pods.podLabels).sort())}`;
}

function clientsKey(flow: Flow): string {
  return `clients\u0000${flow.source.type === 'clients' ? flow.source.namespace : ''}\u0000${flow.target.service}`;
}

function serviceKey(flow: Flow): string {
  return `service\u0000${flow.target.namespace}\u0000${flow.target.service}`;
}

interface StandIn {
  namespace: string;
  name: string;
  manifest: Record<string, unknown>;
}

/**
 * Makes one stand-in Deployment per infrastructure endpoint, per Service not in the input and per
 * group of clients not in the input that the flows name. A stand-in carries the pod labels of the
 * pods it plays, so the bundle's default deny selects it in a hardened namespace as it would the
 * real pods. A flow that the bundle does not allow there is then reported as denied. The stand-ins
 * for servers and clients carry the label that the bundle's policy for them selects. README.md
 * asks the user to put that label on the real pods.
 */
function standInsFor(flows: readonly Flow[], ingressController: IngressControllerPeer): Map<string, StandIn> {
  const standIns = new Map<string, StandIn>();
  const add = (key: string, namespace: string, labels: Record<string, string>) => {
    if (standIns.has(key)) return;
    const name = `${STAND_IN_PREFIX}${standIns.size}`;
    const podLabels = Object.keys(labels).length > 0 ? labels : { 'rampart.dev/stand-in': name };
    standIns.set(key, {
      namespace,
      name,
      manifest: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace },
        spec: { selector: { matchLabels: podLabels }, template: { metadata: { labels: podLabels }, spec: { containers: [{ name: 'stand-in', image: 'stand-in' }] } } },
      },
    });
  };
  for (const flow of flows) {
    if (flow.source.type === 'ingress-controller') add(INGRESS_KEY, ingressController.namespace, ingressController.podLabels);
    if (flow.source.type === 'pods') add(podsKey(flow.source.pods), flow.source.pods.namespace, flow.source.pods.podLabels);
    if (flow.destinationPods) add(podsKey(flow.destinationPods), flow.destinationPods.namespace, flow.destinationPods.podLabels);
    if (isToOutsideServer(flow)) add(serviceKey(flow), flow.target.namespace, { [serverLabel(flow.target.service)]: 'true' });
    if (flow.source.type === 'clients') add(clientsKey(flow), flow.source.namespace, { [clientLabel(flow.target.service)]: 'true' });
  }
  return standIns;
}

/** Formats the one-line verdict: `proof passed: …` or `proof failed: …`. */
export function formatVerdict(proof: Proof): string {
  const scope = `${proof.workloads} workload${proof.workloads === 1 ? '' : 's'} in ${proof.namespaces.join(', ') || 'no namespace'}`;
  const unchecked = proof.unchecked.length > 0 ? `; ${proof.unchecked.length} flow${proof.unchecked.length === 1 ? '' : 's'} with an end outside the input not checked` : '';
  const coarse = proof.coarse.length > 0 ? `; ${proof.coarse.length} flow${proof.coarse.length === 1 ? '' : 's'} to Services not in the input allowed only coarsely, to every pod of the Service's namespace on the port (listed in README.md)` : '';
  const clients = proof.apiServerClients;
  const apiServer = clients > 0 ? `; ${clients} workload${clients === 1 ? ' calls' : 's call'} the Kubernetes API, which needs an ipBlock rule that the bundle does not write (listed in README.md)` : '';
  const host = proof.hostNetwork;
  const hostNetwork = host > 0 ? `; ${host} flow${host === 1 ? ' with a host-network end needs' : 's with a host-network end need'} an ipBlock for the nodes' addresses (listed in README.md)` : '';
  if (proof.passed) return `proof passed: all ${proof.checked} needed flows are allowed and nothing else between the ${scope}${unchecked}${coarse}${apiServer}${hostNetwork}`;
  return `proof failed: ${proof.denied.length} needed flow${proof.denied.length === 1 ? ' is' : 's are'} denied and ${proof.extra.length} connection${proof.extra.length === 1 ? ' is' : 's are'} allowed that no flow needs, between the ${scope}${unchecked}${coarse}${outsideCause(proof)}${apiServer}${hostNetwork}`;
}

/**
 * Names the namespaces outside the bundle whose own NetworkPolicies deny every denied flow,
 * when nothing else made the proof fail: then the bundle is not at fault.
 */
function outsideCause(proof: Proof): string {
  if (proof.denied.length === 0 || proof.extra.length > 0) return '';
  const hardened = new Set(proof.namespaces);
  const causes = new Set(proof.denied.flatMap((entry) => entry.deniedIn));
  if ([...causes].some((namespace) => hardened.has(namespace))) return '';
  const names = [...causes].sort().join(', ');
  return `; only NetworkPolicies of the install in ${names}, which the bundle does not harden, deny ${proof.denied.length === 1 ? 'it' : 'them'}`;
}

/**
 * Lists what made the proof fail, one line each. A workload's connection to itself, which
 * connlist leaves out, is worded as one between its own pods: the pods of a StatefulSet or of a
 * Deployment with several replicas reach each other through the same policies.
 */
export function formatProofDetails(proof: Proof): string[] {
  const extra = (entry: ExtraConnection) => (entry.source === entry.destination ? `not needed between the pods of ${entry.source} : ${entry.connections.toString()}` : `not needed: ${entry.source} => ${entry.destination} : ${entry.connections.toString()}`);
  return [...proof.denied.map((entry) => `denied: ${entry.description}`), ...proof.extra.map(extra)];
}
