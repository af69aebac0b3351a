import { isRecord, list, text } from '../model/access.js';
import type { Inventory } from '../model/inventory.js';
import { formatPath } from '../model/resource.js';
import { escapeControl } from '../report/escape.js';
import { ConnectionSet, isProtocol } from './connections.js';
import { admitted, analyse, isIngressControllerLocated, rulesForAddresses, rulesForClass, type Allowance, type Analysis, type IngressControllerLocation } from './connectivity.js';
import { INGRESS_CONTROLLER } from './connlist.js';
import { IntervalSet } from './intervals.js';
import { parseAddress, type Family } from './ipsets.js';
import type { PodClass, WorkloadPeer } from './peers.js';
import type { NetworkPolicyInfo, Protocol } from './policy.js';
import { ruleConnections, type Direction, type RuleRef } from './rules.js';

export type ExplainEndpoint = { type: 'workload'; workload: WorkloadPeer } | { type: 'address'; family: Family; value: bigint; text: string } | { type: 'ingress-controller' };

export interface PortQuery {
  port: number;
  protocol: Protocol;
}

/** The decision of one direction: the source's egress, or the destination's ingress. */
export interface DirectionVerdict {
  direction: Direction;
  /** The workload whose policies decide this direction; undefined for an address or the ingress controller, which no policy selects. */
  subject?: string;
  /** Policies of this direction that select the subject; empty means it is not isolated and everything passes. */
  isolatedBy: NetworkPolicyInfo[];
  /** Rules that admit the peer (and the port, when one was given). */
  allowedBy: { ref: RuleRef; connections: ConnectionSet }[];
  connections: ConnectionSet;
  allowed: boolean;
}

/** Verdict for one port of the destination, judged when no port was requested. */
export interface ServedPort {
  port: PortQuery;
  allowed: boolean;
}

export interface Explanation {
  from: string;
  to: string;
  port?: PortQuery;
  /**
   * Verdicts for the container ports the destination workload declares, when no port was
   * requested. The connection counts as allowed only when every one is. Empty when a port was
   * requested, or the destination declares none or is no workload: then any connection counts.
   */
  served: ServedPort[];
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
  /** Connections that pass both directions. */
  connections: ConnectionSet;
  allowed: boolean;
}

/** Raised for an endpoint that names no workload, address or the ingress controller. */
export class EndpointError extends Error {
  override name = 'EndpointError';
}

/** Reads `80`, `80/TCP` or `53/udp`. */
export function parsePortQuery(text: string): PortQuery | undefined {
  const match = /^(\d{1,5})(?:\/([A-Za-z]+))?$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[1]);
  const protocol = (match[2] ?? 'TCP').toUpperCase();
  if (port < 1 || port > 65535 || !isProtocol(protocol)) return undefined;
  return { port, protocol };
}

/**
 * Finds an endpoint: `ns/name[Kind]` as connlist prints it, `ns/name` when one workload has
 * that name, an IP address outside the cluster, or `{ingress-controller}`.
 */
export function resolveEndpoint(analysis: Analysis, text: string): ExplainEndpoint {
  if (text === INGRESS_CONTROLLER) return { type: 'ingress-controller' };
  const address = parseAddress(text);
  if (address) return { type: 'address', family: address.family, value: address.value, text };
  const exact = analysis.peers.workloadById.get(text);
  if (exact) return { type: 'workload', workload: exact };
  const matches = analysis.peers.workloads.filter((workload) => `${workload.namespace}/${workload.name}` === text);
  if (matches.length === 1) return { type: 'workload', workload: matches[0] };
  if (matches.length > 1) throw new EndpointError(`"${text}" names ${matches.length} workloads (${matches.map((workload) => workload.id).join(', ')}); give one as namespace/name[Kind]`);
  throw new EndpointError(`no workload, IP address or ${INGRESS_CONTROLLER} is named "${text}"; use namespace/name or namespace/name[Kind] as "rampart netpol connlist" prints them`);
}

/** Decides whether `from` may connect to `to` (on one port, when given), and names the policies and rules that decide it. */
export function explain(inventory: Inventory, fromText: string, toText: string, port?: PortQuery, ingressController?: IngressControllerLocation): Explanation {
  const analysis = analyse(inventory, ingressController);
  const from = resolveEndpoint(analysis, fromText);
  const to = resolveEndpoint(analysis, toText);
  if (to.type === 'ingress-controller') throw new EndpointError(`${INGRESS_CONTROLLER} can only be a source`);
  if (from.type !== 'workload' && to.type !== 'workload') throw new EndpointError('one side must be a workload: NetworkPolicies say nothing about traffic between addresses outside the cluster');

  const ports = port ? [] : servedPorts(inventory, to);
  const egress = verdict(analysis, 'egress', from, to, port, ports);
  const ingress = verdict(analysis, 'ingress', to, from, port, ports);
  const connections = egress.connections.intersect(ingress.connections);
  const served = ports.map((entry) => ({ port: entry, allowed: connections.allows(entry.protocol, entry.port) }));
  const allowed = decide(connections, port, ports);
  return { from: nameOf(from), to: nameOf(to), ...(port ? { port } : {}), served, egress, ingress, connections, allowed };
}

/** Decides whether `connections` admit the requested port, else every served port, else any connection at all. */
function decide(connections: ConnectionSet, port: PortQuery | undefined, served: readonly PortQuery[]): boolean {
  if (port) return connections.allows(port.protocol, port.port);
  if (served.length > 0) return served.every((entry) => connections.allows(entry.protocol, entry.port));
  return !connections.isEmpty();
}

/** Lists the container ports (not those of init containers) that the pods of a destination workload declare, by protocol and number. */
function servedPorts(inventory: Inventory, endpoint: ExplainEndpoint): PortQuery[] {
  if (endpoint.type !== 'workload') return [];
  const resources = new Set(endpoint.workload.resources);
  const found = new Map<string, PortQuery>();
  for (const workload of inventory.workloads) {
    if (!resources.has(workload.resource)) continue;
    for (const container of workload.containers) {
      if (container.group !== 'containers') continue;
      for (const entry of list(container.container.ports)) {
        if (!isRecord(entry)) continue;
        const port = entry.containerPort;
        const protocol = text(entry.protocol) ?? 'TCP';
        if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535 || !isProtocol(protocol)) continue;
        found.set(`${protocol} ${port}`, { port, protocol });
      }
    }
  }
  return [...found.values()].sort((a, b) => {
    if (a.protocol !== b.protocol) return a.protocol < b.protocol ? -1 : 1;
    return a.port - b.port;
  });
}

function nameOf(endpoint: ExplainEndpoint): string {
  if (endpoint.type === 'workload') return endpoint.workload.id;
  return endpoint.type === 'address' ? endpoint.text : INGRESS_CONTROLLER;
}

/** Decides one direction, seen from `subject` (the source for egress, the destination for ingress) towards `peer`. */
function verdict(analysis: Analysis, direction: Direction, subject: ExplainEndpoint, peer: ExplainEndpoint, port: PortQuery | undefined, served: readonly PortQuery[]): DirectionVerdict {
  if (subject.type === 'address') return { direction, isolatedBy: [], allowedBy: [], connections: ConnectionSet.all, allowed: true };
  // Policies decide the ingress controller's egress only when its namespace was given. Without
  // it no policy selects the controller, so the verdict reads as for a placed controller that none selects.
  if (subject.type === 'ingress-controller' && !isIngressControllerLocated(analysis)) {
    return { direction, subject: INGRESS_CONTROLLER, isolatedBy: [], allowedBy: [], connections: ConnectionSet.all, allowed: true };
  }
  const subjectClasses = subject.type === 'workload' ? subject.workload.classes : [analysis.ingressController];
  const allowances = direction === 'egress' ? analysis.egress : analysis.ingress;
  const isolatedBy = new Set<NetworkPolicyInfo>();
  const allowedBy = new Map<RuleRef, ConnectionSet>();
  let connections = ConnectionSet.none;

  for (const subjectClass of subjectClasses) {
    const allowance = allowances[subjectClass.index];
    for (const policy of allowance.policies) isolatedBy.add(policy);
    for (const { rules, destination } of rulesTowards(analysis, allowance, direction, subjectClass, peer)) {
      connections = connections.union(admitted(rules, destination));
      for (const ref of rules ?? []) {
        const admits = ruleConnections(ref.rule, destination);
        if (admits.isEmpty() || (port && !admits.allows(port.protocol, port.port))) continue;
        allowedBy.set(ref, (allowedBy.get(ref) ?? ConnectionSet.none).union(admits));
      }
    }
  }
  const allowed = decide(connections, port, served);
  return { direction, subject: subject.type === 'workload' ? subject.workload.id : INGRESS_CONTROLLER, isolatedBy: [...isolatedBy], allowedBy: [...allowedBy].map(([ref, admits]) => ({ ref, connections: admits })), connections, allowed };
}

function rulesTowards(analysis: Analysis, allowance: Allowance, direction: Direction, subjectClass: PodClass, peer: ExplainEndpoint): { rules: RuleRef[] | undefined; destination: PodClass | undefined }[] {
  // Named ports resolve against the pod that receives the traffic.
  if (peer.type === 'address') {
    const rules = rulesForAddresses(allowance, peer.family, IntervalSet.of(peer.value, peer.value));
    return [{ rules, destination: direction === 'ingress' ? subjectClass : undefined }];
  }
  const peerClasses = peer.type === 'workload' ? peer.workload.classes : [analysis.ingressController];
  return peerClasses.map((peerClass) => ({ rules: rulesForClass(allowance, peerClass), destination: direction === 'ingress' ? subjectClass : peerClass }));
}

/**
 * Resolves a named port of the destination workload (`--to ns/web:http`) against its containers'
 * named ports, as a NetworkPolicy rule with that name would. Raises EndpointError when the
 * destination is no workload, has no port of that name, or the name stands for several ports.
 */
export function resolveNamedPort(inventory: Inventory, toText: string, name: string, protocol: Protocol | undefined, ingressController?: IngressControllerLocation): PortQuery {
  const analysis = analyse(inventory, ingressController);
  const to = resolveEndpoint(analysis, toText);
  if (to.type !== 'workload') throw new EndpointError(`the named port "${name}" needs a workload as destination; give a port number for ${toText}`);
  const found = new Map<string, PortQuery>();
  const names = new Set<string>();
  for (const podClass of to.workload.classes) {
    for (const [portName, ports] of podClass.namedPorts) {
      names.add(portName);
      if (portName !== name) continue;
      for (const entry of ports) if (protocol === undefined || entry.protocol === protocol) found.set(`${entry.protocol} ${entry.port}`, { port: entry.port, protocol: entry.protocol });
    }
  }
  if (found.size === 1) return [...found.values()][0];
  if (found.size > 1) throw new EndpointError(`the container port "${name}" of ${to.workload.id} is ${[...found.keys()].join(', ')}; give the number and protocol, e.g. :${[...found.values()][0].port}/${[...found.values()][0].protocol}`);
  const known = names.size > 0 ? `its named ports are ${[...names].sort().join(', ')}` : 'it has no named container ports';
  throw new EndpointError(`${to.workload.id} has no container port named "${name}"${protocol ? ` with protocol ${protocol}` : ''}; ${known}, or give a port number`);
}

/**
 * Formats an explanation as text, one line per decision. Without a port, the first line names
 * what was judged instead: each port the destination serves, listed below it, or any port.
 */
export function formatExplanation(explanation: Explanation): string {
  const verdict = explanation.allowed ? 'allowed' : 'denied';
  const lines: string[] = [];
  if (explanation.port) {
    lines.push(`${explanation.from} => ${explanation.to} : ${explanation.port.protocol} ${explanation.port.port}: ${verdict}`);
  } else if (explanation.served.length > 0) {
    const denied = explanation.served.filter((entry) => !entry.allowed).length;
    const count = explanation.served.length;
    lines.push(`${explanation.from} => ${explanation.to} : every declared container port: ${denied === 0 ? `allowed on all ${count}` : `denied on ${denied} of ${count}`}`);
    for (const entry of explanation.served) lines.push(`  ${entry.port.protocol} ${entry.port.port}: ${entry.allowed ? 'allowed' : 'denied'}`);
  } else {
    const reach = explanation.connections.isEmpty() ? 'on no port' : explanation.connections.isAll() ? 'on every port' : `only on ${explanation.connections.toString()}`;
    lines.push(`${explanation.from} => ${explanation.to} : any port (no declared container port to check): ${verdict} ${reach}`);
  }
  for (const side of [explanation.egress, explanation.ingress]) lines.push(...formatVerdict(side, explanation));
  // Workload and policy names come from the input, so control characters are shown escaped.
  return lines.map(escapeControl).join('\n') + '\n';
}

function formatVerdict(side: DirectionVerdict, explanation: Explanation): string[] {
  const subject = side.direction === 'egress' ? explanation.from : explanation.to;
  const head = `  ${side.direction} of ${subject}:`;
  if (!side.subject) return [`${head} allowed: no NetworkPolicy applies to it`];
  if (side.isolatedBy.length === 0) return [`${head} allowed: no NetworkPolicy selects it for ${side.direction}, so it is not isolated`];
  const lines = [`${head} ${side.allowed ? 'allowed' : 'denied'}; isolated by ${side.isolatedBy.map(policyName).join(', ')}`];
  if (side.allowedBy.length === 0) lines.push(`    no ${side.direction} rule of these policies admits ${side.direction === 'egress' ? explanation.to : explanation.from}${explanation.port ? ` on ${explanation.port.protocol} ${explanation.port.port}` : ''}`);
  for (const { ref, connections } of side.allowedBy) {
    lines.push(`    allowed by ${policyName(ref.policy)} ${formatPath(['spec', ref.direction, ref.rule.index])} (${connections.toString()})`);
  }
  return lines;
}

export function policyName(policy: NetworkPolicyInfo): string {
  return `NetworkPolicy ${policy.namespace}/${policy.resource.name}`;
}
