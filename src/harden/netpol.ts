import { Document, isMap, isSeq, type YAMLMap } from 'yaml';
import { SUPPRESS_ANNOTATION } from '../checks/suppressions.js';
import { KUBE_DNS, neededFlowsOf } from '../model/cluster-flows.js';
import { apiServerReferencesOf, describeDestination, describeSource, describeWorkload, type Flow } from '../model/flows.js';
import type { Inventory } from '../model/inventory.js';
import type { Resource } from '../model/resource.js';
import { shownAs, type Workload } from '../model/workloads.js';
import { escapeControl } from '../report/escape.js';
import { stableSelector } from './stable-labels.js';

/** Namespace and pod labels of the cluster's ingress controller, as the generated ingress rules select it. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export interface IngressControllerPeer {
  namespace: string;
  podLabels: Record<string, string>;
}

export const DEFAULT_INGRESS_CONTROLLER: IngressControllerPeer = { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } };

/** Prefix of every generated policy's name, so that the bundle's policies are easy to list and delete. */
export const POLICY_PREFIX = 'rampart-';

export interface NetpolOptions {
  ingressController: IngressControllerPeer;
  /** The bundle replaces the NetworkPolicies of the hardened namespaces that the install already has, which the user deletes. */
  replaceExisting?: boolean;
}

/** A NetworkPolicy peer or port as the API writes it. */
type PeerObject = Record<string, unknown>;
type PortObject = { protocol: string; port: number };

interface RuleDraft {
  peer: PeerObject;
  ports: PortObject[];
  /** One line per flow the rule serves. */
  comments: string[];
}

export interface GeneratedPolicy {
  namespace: string;
  name: string;
  /** The NetworkPolicy object; rule order matches `comments`. */
  manifest: { apiVersion: 'networking.k8s.io/v1'; kind: 'NetworkPolicy'; metadata: Record<string, unknown>; spec: Record<string, unknown> };
  /** Comment above the policy. */
  description: string;
  comments: { ingress: string[][]; egress: string[][] };
}

/** Workloads of one namespace that one stable selector picks: usually one, more when their stable labels agree. */
export interface SelectorGroup {
  namespace: string;
  name: string;
  selector: Record<string, string>;
  workloads: Workload[];
  /**
   * Pods not in the input that the group stands for: the servers of a Service or its clients,
   * selected by a label the user adds, or the ingress controller, selected by its pod labels.
   * Its `workloads` are then empty.
   */
  outside?: { role: 'server' | 'client'; service: string } | { role: 'ingress-controller' };
}

export interface NetpolBundle {
  /** Namespaces whose workloads are in the input, each with its policies in apply order. */
  namespaces: { namespace: string; policies: GeneratedPolicy[] }[];
  flows: Flow[];
  groups: SelectorGroup[];
  /** Flows that the bundle allows on one side only, because the other end is neither in the input nor in a hardened namespace. */
  unpaired: Flow[];
  /** NetworkPolicies of the hardened namespaces already in the input: the bundle adds to what they allow and cannot narrow it. */
  existingPolicies: Resource[];
  /** True when the user deletes `existingPolicies` and the bundle takes their place. */
  replacesExisting: boolean;
  /** Workloads the bundle cannot select, with the reason; their traffic stays denied. */
  problems: string[];
  /** Label that a client pod not in the input needs to reach a server of the install, by Service. */
  clientLabels: { service: string; namespace: string; label: string }[];
  /**
   * Label that the pods of a Service not in the input need, in a hardened namespace, for the
   * bundle's policy for that Service to admit its clients.
   */
  serverLabels: { service: string; namespace: string; label: string }[];
  /**
   * Flows to Services not in the input. The client's egress admits every pod of the Service's
   * namespace on the flow's port, because the server's pod labels are unknown.
   */
  coarse: Flow[];
  /**
   * True when the ingress controller runs in a hardened namespace, so that the bundle gives it
   * egress to its backends and ingress from outside the cluster.
   */
  hardensIngressController: boolean;
  /**
   * Workloads that name the Kubernetes API server, with the evidence. The bundle denies their
   * API calls, because it admits the API server only through an ipBlock for its address, which
   * the input does not contain.
   */
  apiServerClients: { workload: string; evidence: string[] }[];
  /**
   * Flows, other than DNS, whose client or server runs on the host network. No pod selector
   * matches their traffic, so the bundle writes no rule for them and the server needs an ipBlock.
   */
  hostNetwork: Flow[];
}

/** True when the workload's pods share the node's network namespace (`hostNetwork: true`). */
export function isHostNetwork(workload: Workload): boolean {
  return workload.podSpec.hostNetwork === true;
}

/** True for a flow whose client or server workload runs on the host network. */
export function hasHostNetworkEnd(flow: Flow): boolean {
  if (flow.source.type === 'workload' && isHostNetwork(flow.source.workload)) return true;
  return flow.destination !== undefined && isHostNetwork(flow.destination);
}

/** Returns the label a client outside the input needs for a server's policy to admit it: `client-of.rampart.dev/<service>: "true"`. */
export function clientLabel(service: string): string {
  return `client-of.rampart.dev/${service}`;
}

/** Returns the label the pods of a Service not in the input need in a hardened namespace: `server-of.rampart.dev/<service>: "true"`. */
export function serverLabel(service: string): string {
  return `server-of.rampart.dev/${service}`;
}

/** True for a flow to a Service that is not in the input, whose pods are unknown. */
export function isToOutsideServer(flow: Flow): boolean {
  return !flow.destination && !flow.destinationPods;
}

/**
 * Writes least-privilege NetworkPolicies for every namespace with workloads in the input: a
 * default deny for both directions, DNS egress, and per workload one ingress and one egress
 * policy whose rules serve the needed flows.
 */
export function synthesizeNetpol(inventory: Inventory, options: NetpolOptions): NetpolBundle {
  const flows = neededFlowsOf(inventory);
  const problems: string[] = [];
  const groups = groupWorkloads(inventory, problems);
  const groupOf = new Map<Workload, SelectorGroup>();
  for (const group of groups) for (const workload of group.workloads) groupOf.set(workload, group);

  // The cluster's own namespaces serve DNS and the API to every pod. A default deny there, built
  // from flows that only this install needs, would break the whole cluster.
  const inputNamespaces = [...new Set(groups.map((group) => group.namespace))].sort();
  const namespaces = inputNamespaces.filter((namespace) => !SYSTEM_NAMESPACES.has(namespace));
  for (const namespace of inputNamespaces.filter((candidate) => SYSTEM_NAMESPACES.has(candidate))) {
    problems.push(`namespace ${namespace} belongs to the cluster, so no policies are written for it; harden it separately`);
  }

  const ingressRules = new Map<SelectorGroup, Map<string, RuleDraft>>();
  const egressRules = new Map<SelectorGroup, Map<string, RuleDraft>>();
  const unpaired: Flow[] = [];
  const coarse: Flow[] = [];
  const hostNetwork: Flow[] = [];
  const clientLabels = new Map<string, NetpolBundle['clientLabels'][number]>();
  // Servers and clients not in the input whose namespace the bundle hardens: the default deny
  // would block them, so each gets a policy that selects its pods by a label the user adds.
  const outsideGroups = new Map<string, SelectorGroup>();
  const outsideGroup = (role: 'server' | 'client', namespace: string, service: string): SelectorGroup | undefined => {
    if (!namespaces.includes(namespace)) return undefined;
    const key = `${role}/${namespace}/${service}`;
    let group = outsideGroups.get(key);
    if (!group) {
      const label = role === 'server' ? serverLabel(service) : clientLabel(service);
      group = { namespace, name: `${role === 'server' ? 'service' : 'clients-of'}-${service}`, selector: { [label]: 'true' }, workloads: [], outside: { role, service } };
      outsideGroups.set(key, group);
    }
    return group;
  };

  // The default deny of the controller's namespace selects the controller too, so it needs
  // policies of its own when that namespace is hardened.
  const controllerGroup = namespaces.includes(options.ingressController.namespace) ? ingressControllerGroup(options.ingressController, groups) : undefined;

  for (const flow of flows) {
    // The namespace-wide allow-dns policy serves DNS.
    if (flow.purpose === 'dns') continue;
    // A pod selector never matches host-network traffic, so a rule for it would admit nothing.
    if (hasHostNetworkEnd(flow)) {
      hostNetwork.push(flow);
      continue;
    }
    const comment = `${describeSource(flow.source)} -> ${describeDestination(flow)}: ${flow.reasons.join('; ')}`;
    const port: PortObject = { protocol: flow.protocol, port: flow.port };
    let destinationGroup: SelectorGroup | undefined;
    if (flow.destination) destinationGroup = groupOf.get(flow.destination);
    else if (isToOutsideServer(flow)) destinationGroup = outsideGroup('server', flow.target.namespace, flow.target.service);
    if (isToOutsideServer(flow)) coarse.push(flow);
    let sourceGroup: SelectorGroup | undefined;
    if (flow.source.type === 'workload') sourceGroup = groupOf.get(flow.source.workload);
    else if (flow.source.type === 'clients') sourceGroup = outsideGroup('client', flow.source.namespace, flow.target.service);
    else if (flow.source.type === 'ingress-controller') sourceGroup = controllerGroup;

    if (destinationGroup) {
      const peer = sourcePeer(flow, destinationGroup.namespace, groupOf, options);
      if (peer) addRule(ingressRules, destinationGroup, peer, port, comment);
      if (flow.source.type === 'clients') {
        const label = clientLabel(flow.target.service);
        clientLabels.set(`${flow.source.namespace}/${label}`, { service: flow.target.service, namespace: flow.source.namespace, label });
      }
    }
    if (sourceGroup) {
      const peer = destinationPeer(flow, sourceGroup.namespace, groupOf);
      if (peer) addRule(egressRules, sourceGroup, peer, port, comment);
    }
    if (!destinationGroup || !sourceGroup) unpaired.push(flow);
  }

  const bundle: NetpolBundle['namespaces'] = namespaces.map((namespace) => {
    const policies = [defaultDeny(namespace), allowDns(namespace)];
    if (controllerGroup?.namespace === namespace) policies.push(ingressControllerIngress(controllerGroup));
    const namespaceGroups = [...groups, ...outsideGroups.values(), ...(controllerGroup ? [controllerGroup] : [])].filter((candidate) => candidate.namespace === namespace);
    for (const group of namespaceGroups) {
      const ingress = ingressRules.get(group);
      if (ingress) policies.push(allowPolicy(group, 'ingress', [...ingress.values()]));
      const egress = egressRules.get(group);
      if (egress) policies.push(allowPolicy(group, 'egress', [...egress.values()]));
    }
    return { namespace, policies };
  });

  const existingPolicies = inventory.ofKind('NetworkPolicy', 'networking.k8s.io').filter((policy) => namespaces.includes(policy.namespace ?? 'default'));
  const serverLabels = [...outsideGroups.values()].flatMap((group) => (group.outside?.role === 'server' ? [{ service: group.outside.service, namespace: group.namespace, label: serverLabel(group.outside.service) }] : []));
  return { namespaces: bundle, flows, groups, unpaired, existingPolicies, replacesExisting: Boolean(options.replaceExisting), problems, clientLabels: [...clientLabels.values()], serverLabels, coarse, hardensIngressController: controllerGroup !== undefined, apiServerClients: apiServerClients(inventory, namespaces), hostNetwork };
}

/** Lists the workloads of the hardened namespaces that name the API server, each once with every place it is named. */
function apiServerClients(inventory: Inventory, namespaces: readonly string[]): NetpolBundle['apiServerClients'] {
  const byWorkload = new Map<string, string[]>();
  for (const reference of apiServerReferencesOf(inventory)) {
    if (!namespaces.includes(reference.workload.namespace)) continue;
    const name = describeWorkload(reference.workload);
    const evidence = byWorkload.get(name) ?? [];
    const line = `${reference.where} names ${reference.text}`;
    if (!evidence.includes(line)) evidence.push(line);
    byWorkload.set(name, evidence);
  }
  return [...byWorkload].map(([workload, evidence]) => ({ workload, evidence }));
}

/** Makes the group that selects the ingress controller by its pod labels, named so that no workload's policy name clashes. */
function ingressControllerGroup(controller: IngressControllerPeer, groups: readonly SelectorGroup[]): SelectorGroup {
  const existingNames = new Set(groups.filter((group) => group.namespace === controller.namespace).map((group) => group.name));
  let name = 'ingress-controller';
  for (let suffix = 2; existingNames.has(name); suffix++) name = `ingress-controller-${suffix}`;
  return { namespace: controller.namespace, name, selector: { ...controller.podLabels }, workloads: [], outside: { role: 'ingress-controller' } };
}

function groupWorkloads(inventory: Inventory, problems: string[]): SelectorGroup[] {
  const groups: SelectorGroup[] = [];
  const byKey = new Map<string, SelectorGroup>();
  const usedNames = new Set<string>();
  for (const workload of inventory.workloads) {
    // Pods of one owner that is not in the input are one workload, so the selector need not
    // distinguish them from each other, and one pair of policies can serve them all.
    const identity = shownAs(workload);
    const neighbours = inventory.workloadsIn(workload.namespace).filter((other) => other === workload || !isSameIdentity(shownAs(other), identity));
    const selector = stableSelector(workload, neighbours);
    if (!selector) {
      problems.push(`${workload.kind} ${workload.namespace}/${workload.name} has no pod labels that survive a rollout, so no policy can select it and its traffic stays denied; label its pod template`);
      continue;
    }
    const key = `${workload.namespace}\u0000${JSON.stringify(Object.entries(selector).sort())}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.workloads.push(workload);
      continue;
    }
    // Named as connlist and the proof name the workload, so Pods of an owner not in the input take
    // the owner's name. Pods of one owner whose labels share no selector get numbered groups.
    const sameOwner = groups.some((other) => other.namespace === workload.namespace && other.workloads.some((member) => isSameIdentity(shownAs(member), identity)));
    let name = identity.name;
    if (usedNames.has(`${workload.namespace}/${name}`)) name = sameOwner ? `${identity.name}-2` : `${identity.name}-${identity.kind.toLowerCase()}`;
    for (let suffix = sameOwner ? 3 : 2; usedNames.has(`${workload.namespace}/${name}`); suffix++) name = sameOwner ? `${identity.name}-${suffix}` : `${identity.name}-${identity.kind.toLowerCase()}-${suffix}`;
    usedNames.add(`${workload.namespace}/${name}`);
    const group: SelectorGroup = { namespace: workload.namespace, name, selector, workloads: [workload] };
    byKey.set(key, group);
    groups.push(group);
  }
  return groups;
}

function isSameIdentity(a: { kind: string; name: string }, b: { kind: string; name: string }): boolean {
  return a.kind === b.kind && a.name === b.name;
}

function addRule(rules: Map<SelectorGroup, Map<string, RuleDraft>>, group: SelectorGroup, peer: PeerObject, port: PortObject, comment: string): void {
  let byPeer = rules.get(group);
  if (!byPeer) {
    byPeer = new Map();
    rules.set(group, byPeer);
  }
  const key = JSON.stringify(peer);
  let rule = byPeer.get(key);
  if (!rule) {
    rule = { peer, ports: [], comments: [] };
    byPeer.set(key, rule);
  }
  if (!rule.ports.some((entry) => entry.protocol === port.protocol && entry.port === port.port)) rule.ports.push(port);
  if (!rule.comments.includes(comment)) rule.comments.push(comment);
}

/** Builds a peer for pods of `namespace` with `labels`, as seen from a policy in `policyNamespace`. */
function podsPeer(namespace: string, labels: Record<string, string>, policyNamespace: string): PeerObject {
  const podSelector = Object.keys(labels).length > 0 ? { matchLabels: { ...labels } } : {};
  if (namespace === policyNamespace) return { podSelector };
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } }, podSelector };
}

function sourcePeer(flow: Flow, policyNamespace: string, groupOf: Map<Workload, SelectorGroup>, options: NetpolOptions): PeerObject | undefined {
  const source = flow.source;
  switch (source.type) {
    case 'workload': {
      const group = groupOf.get(source.workload);
      return group && podsPeer(group.namespace, group.selector, policyNamespace);
    }
    case 'ingress-controller':
      return podsPeer(options.ingressController.namespace, options.ingressController.podLabels, policyNamespace);
    case 'clients':
      return podsPeer(source.namespace, { [clientLabel(flow.target.service)]: 'true' }, policyNamespace);
    case 'pods':
      return podsPeer(source.pods.namespace, source.pods.podLabels, policyNamespace);
  }
}

function destinationPeer(flow: Flow, policyNamespace: string, groupOf: Map<Workload, SelectorGroup>): PeerObject | undefined {
  if (flow.destination) {
    const group = groupOf.get(flow.destination);
    return group && podsPeer(group.namespace, group.selector, policyNamespace);
  }
  if (flow.destinationPods) return podsPeer(flow.destinationPods.namespace, flow.destinationPods.podLabels, policyNamespace);
  // The server is not in the input, so its pod labels are unknown: the rule admits every pod of its namespace on the flow's port only.
  return podsPeer(flow.target.namespace, {}, policyNamespace);
}

function policyManifest(namespace: string, name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): GeneratedPolicy['manifest'] {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'rampart' }, ...(annotations ? { annotations } : {}) },
    spec,
  };
}

function defaultDeny(namespace: string): GeneratedPolicy {
  return {
    namespace,
    name: `${POLICY_PREFIX}default-deny`,
    manifest: policyManifest(namespace, `${POLICY_PREFIX}default-deny`, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    description: `Every pod of ${namespace} accepts and opens only the connections that the allow policies below name.`,
    comments: { ingress: [], egress: [] },
  };
}

function allowDns(namespace: string): GeneratedPolicy {
  const name = `${POLICY_PREFIX}allow-dns`;
  const spec = {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{ to: [podsPeer(KUBE_DNS.namespace, KUBE_DNS.podLabels, namespace)], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
  };
  return {
    namespace,
    name,
    manifest: policyManifest(namespace, name, spec),
    description: `Every pod of ${namespace} resolves names through the cluster DNS.`,
    comments: { ingress: [], egress: [['every pod -> kube-dns in kube-system on UDP and TCP 53: Service names resolve through the cluster DNS']] },
  };
}

/**
 * Admits traffic from outside the cluster to the ingress controller on every port. Its container
 * ports differ between controllers and the input does not contain it, so the rule leaves ports open.
 */
function ingressControllerIngress(group: SelectorGroup): GeneratedPolicy {
  const name = `${POLICY_PREFIX}${group.name}-ingress`;
  const spec = {
    podSelector: { matchLabels: { ...group.selector } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }] }],
  };
  const comment = [
    'clients outside the cluster -> the ingress controller on every port: the load balancer or node ports forward users to it, and the API server calls its admission webhook, if any',
    "narrow this to your load balancer's and API server's addresses and the controller's container ports",
  ];
  const suppressions = [
    selectsNothingAnnotation(group)?.[SUPPRESS_ANNOTATION],
    "netpol/allow-all-sources: the ingress controller serves clients outside the cluster; narrow the rule to your load balancer's addresses",
  ];
  return {
    namespace: group.namespace,
    name,
    manifest: policyManifest(group.namespace, name, spec, { [SUPPRESS_ANNOTATION]: suppressions.filter((line) => line !== undefined).join('\n') }),
    description: `Connections to the pods of ${describeMembers(group)}.`,
    comments: { ingress: [comment], egress: [] },
  };
}

/** Suppresses `netpol/policy-selects-nothing` on a policy for pods that are not in the input, with the reason. */
function selectsNothingAnnotation(group: SelectorGroup): Record<string, string> | undefined {
  const outside = group.outside;
  if (!outside) return undefined;
  const pods = outside.role === 'ingress-controller' ? 'the ingress controller' : `the ${outside.role === 'server' ? 'pods of Service' : 'clients of Service'} ${outside.service}`;
  return { [SUPPRESS_ANNOTATION]: `netpol/policy-selects-nothing: selects ${pods}, which ${outside.role === 'ingress-controller' ? 'is' : 'are'} not in the input` };
}

function allowPolicy(group: SelectorGroup, direction: 'ingress' | 'egress', rules: RuleDraft[]): GeneratedPolicy {
  const name = `${POLICY_PREFIX}${group.name}-${direction}`;
  const peerKey = direction === 'ingress' ? 'from' : 'to';
  const spec = {
    podSelector: { matchLabels: { ...group.selector } },
    policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'],
    [direction]: rules.map((rule) => ({ [peerKey]: [rule.peer], ports: rule.ports })),
  };
  const members = describeMembers(group);
  return {
    namespace: group.namespace,
    name,
    // The audit finds no pod with the selector's labels when those pods are not in the input.
    manifest: policyManifest(group.namespace, name, spec, selectsNothingAnnotation(group)),
    description: `${direction === 'ingress' ? 'Connections to' : 'Connections from'} the pods of ${members}.`,
    comments: direction === 'ingress' ? { ingress: rules.map((rule) => rule.comments), egress: [] } : { ingress: [], egress: rules.map((rule) => rule.comments) },
  };
}

function describeMembers(group: SelectorGroup): string {
  if (group.outside?.role === 'ingress-controller') return `the ingress controller (${Object.entries(group.selector).map(([key, value]) => `${key}=${value}`).join(', ')}; not in the input)`;
  const label = `${Object.keys(group.selector)[0]}: "true"`;
  if (group.outside?.role === 'server') return `Service ${group.outside.service} (not in the input), which need the label ${label}`;
  if (group.outside?.role === 'client') return `clients of Service ${group.outside.service} that are not in the input, which need the label ${label}`;
  return [...new Set(group.workloads.map((workload) => `${shownAs(workload).kind} ${shownAs(workload).name}`))].join(', ');
}

/** Renders one namespace's policies as a multi-document YAML file, each rule commented with the flows it serves. */
export function renderPolicies(policies: readonly GeneratedPolicy[]): string {
  return policies
    .map((policy) => {
      const document = new Document(policy.manifest);
      // Comments carry names from the input, so control characters are escaped. A line break would end the comment.
      document.commentBefore = ` ${escapeControl(policy.description)}`;
      for (const direction of ['ingress', 'egress'] as const) {
        const rules = document.getIn(['spec', direction], true);
        if (!isSeq(rules)) continue;
        rules.items.forEach((item, index) => {
          const lines = policy.comments[direction][index];
          if (isMap(item) && lines && lines.length > 0) (item as YAMLMap).commentBefore = lines.map((line) => ` ${escapeControl(line)}`).join('\n');
        });
      }
      return document.toString({ lineWidth: 0 });
    })
    .join('---\n');
}
