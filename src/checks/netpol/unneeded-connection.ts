import { ConnectionSet } from '../../netpol/connections.js';
import { admitted, type Analysis } from '../../netpol/connectivity.js';
import { policyName } from '../../netpol/explain.js';
import type { PodClass, WorkloadPeer } from '../../netpol/peers.js';
import type { NetworkPolicyInfo } from '../../netpol/policy.js';
import type { RuleRef } from '../../netpol/rules.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { compareIds, singlePort, workloadConnections, workloadGraph, type WorkloadGraph } from './workload-graph.js';

const EXAMPLES = 3;

export default defineCheck({
  id: 'netpol/unneeded-connection',
  severity: 'low',
  side: 'shared',
  description: 'The NetworkPolicies of a namespace allow no connection between workloads that no needed flow uses.',
  rationale: 'Each connection the policies allow beyond what the platform needs is a path an attacker in one pod can take to the next; least privilege keeps a compromise of one workload from reaching the rest.',
  remediation: 'Narrow the ingress rules of the policies that isolate the workload to the clients and ports of its flows ("rampart netpol explain" shows which rule admits a connection); "rampart harden netpol" writes such policies.',
  messages: {
    unneeded: '{{count}} workload(s) can connect to {{destination}} beyond what any needed flow uses, for example {{examples}}; its ingress is isolated by {{policies}}.',
  },
  limitations: [
    'Workloads that no policy isolates for ingress accept every source; netpol/workload-not-selected reports them instead.',
    'Connections from the ingress controller and from addresses outside the cluster are not counted.',
    'Needed flows are inferred from the input; a connection the platform makes without a trace in env, args, ConfigMaps, Ingresses or chart profiles is reported as unneeded.',
  ],
  run(inventory) {
    const graph = workloadGraph(inventory);
    const sources = groupSources(graph.analysis);
    const needed = neededByDestination(graph);
    const findings: FindingDraft<'unneeded'>[] = [];

    for (const destination of graph.analysis.peers.workloads) {
      const isolated = destination.classes.every((podClass) => graph.analysis.ingress[podClass.index].policies.length > 0);
      if (!isolated) continue;
      const summary = summarise(graph.analysis, sources, destination, needed.get(destination));
      if (summary.count === 0) continue;
      const workload = graph.workloadsOf.get(destination)?.[0];
      if (!workload) continue;
      findings.push({
        messageId: 'unneeded',
        data: {
          destination: destination.id,
          count: summary.count,
          examples: summary.examples.join(', '),
          policies: isolatingPolicies(graph.analysis, destination).map(policyName).join(', '),
        },
        resource: workload.resource,
        path: [...workload.podMetadataPath, 'labels'],
      });
    }
    return findings;
  },
});

/**
 * Source workloads whose pod class has the same wildcard egress rules. Towards a destination
 * that none of their egress rules names, every member reaches the same connections.
 */
interface SourceGroup {
  /** Undefined when the class is not isolated for egress. */
  rules: RuleRef[] | undefined;
  members: WorkloadPeer[];
}

interface SourceGroups {
  groups: SourceGroup[];
  groupOf: Map<WorkloadPeer, SourceGroup>;
  /** Workloads whose pods fall in several classes; they are always evaluated one by one. */
  multiClass: WorkloadPeer[];
  /** Source classes by the destination class their egress rules name. */
  namedBy: Map<number, number[]>;
}

function groupSources(analysis: Analysis): SourceGroups {
  const ruleIds = new Map<RuleRef, number>();
  const idOf = (ref: RuleRef) => {
    let id = ruleIds.get(ref);
    if (id === undefined) ruleIds.set(ref, (id = ruleIds.size));
    return id;
  };
  const byKey = new Map<string, SourceGroup>();
  const groupOf = new Map<WorkloadPeer, SourceGroup>();
  const multiClass: WorkloadPeer[] = [];

  for (const workload of analysis.peers.workloads) {
    if (workload.classes.length !== 1) {
      multiClass.push(workload);
      continue;
    }
    const egress = analysis.egress[workload.classes[0].index];
    const open = egress.policies.length === 0;
    const key = open ? 'open' : egress.wildcard.map(idOf).join(',');
    let group = byKey.get(key);
    if (!group) {
      group = { rules: open ? undefined : egress.wildcard, members: [] };
      byKey.set(key, group);
    }
    group.members.push(workload);
    groupOf.set(workload, group);
  }

  const namedBy = new Map<number, number[]>();
  for (const source of analysis.peers.classes) {
    const egress = analysis.egress[source.index];
    if (egress.policies.length === 0) continue;
    for (const destination of egress.byClass.keys()) {
      const bucket = namedBy.get(destination);
      if (bucket) bucket.push(source.index);
      else namedBy.set(destination, [source.index]);
    }
  }
  return { groups: [...byKey.values()], groupOf, multiClass, namedBy };
}

function neededByDestination(graph: WorkloadGraph): Map<WorkloadPeer, Map<WorkloadPeer, ConnectionSet>> {
  const needed = new Map<WorkloadPeer, Map<WorkloadPeer, ConnectionSet>>();
  for (const { source, destination, protocol, flow } of graph.flows) {
    let bySource = needed.get(destination);
    if (!bySource) needed.set(destination, (bySource = new Map()));
    bySource.set(source, (bySource.get(source) ?? ConnectionSet.none).union(singlePort(protocol, flow.port)));
  }
  return needed;
}

/**
 * Counts the source workloads that reach `destination` beyond their needed flows. Sources that
 * a rule names on either side, or that have a needed flow, are evaluated one by one. Every
 * other member of a group gets the same connections, so the group is counted in one step, and
 * the cost grows with the rules the engine matched instead of with the square of the workloads.
 */
function summarise(analysis: Analysis, sources: SourceGroups, destination: WorkloadPeer, needed: Map<WorkloadPeer, ConnectionSet> | undefined): { count: number; examples: string[] } {
  const classes = analysis.peers.classes;
  const exact = new Set<WorkloadPeer>(sources.multiClass);
  for (const podClass of destination.classes) {
    for (const index of analysis.ingress[podClass.index].byClass.keys()) classes[index]?.workloads.forEach((workload) => exact.add(workload));
    for (const index of sources.namedBy.get(podClass.index) ?? []) classes[index].workloads.forEach((workload) => exact.add(workload));
  }
  for (const source of needed?.keys() ?? []) exact.add(source);
  exact.delete(destination);

  const found: string[] = [];
  for (const source of [...exact].sort(compareIds)) {
    const extra = workloadConnections(analysis, source, destination).subtract(needed?.get(source) ?? ConnectionSet.none);
    if (!extra.isEmpty()) found.push(`${source.id} (${extra.toString()})`);
  }
  let count = found.length;
  const examples = found.slice(0, EXAMPLES);

  if (!destination.classes.some((podClass) => analysis.ingress[podClass.index].wildcard.length > 0)) return { count, examples };
  for (const group of sources.groups) {
    const reached = groupConnections(analysis, group, destination.classes);
    if (reached.isEmpty()) continue;
    let members = group.members.length;
    for (const source of exact) if (sources.groupOf.get(source) === group) members--;
    if (sources.groupOf.get(destination) === group && !exact.has(destination)) members--;
    count += members;
    for (const member of group.members) {
      if (examples.length >= EXAMPLES) break;
      if (member !== destination && !exact.has(member)) examples.push(`${member.id} (${reached.toString()})`);
    }
  }
  return { count, examples };
}

/** Connections from any member of `group` that no rule names, towards the destination's classes. */
function groupConnections(analysis: Analysis, group: SourceGroup, destinations: PodClass[]): ConnectionSet {
  let sum = ConnectionSet.none;
  for (const podClass of destinations) {
    const outgoing = admitted(group.rules, podClass);
    if (outgoing.isEmpty()) continue;
    sum = sum.union(outgoing.intersect(admitted(analysis.ingress[podClass.index].wildcard, podClass)));
  }
  return sum;
}

function isolatingPolicies(analysis: Analysis, destination: WorkloadPeer): NetworkPolicyInfo[] {
  const policies = new Set<NetworkPolicyInfo>();
  for (const podClass of destination.classes) for (const policy of analysis.ingress[podClass.index].policies) policies.add(policy);
  return [...policies];
}
