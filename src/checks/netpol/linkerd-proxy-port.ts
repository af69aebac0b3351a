import { LINKERD_PROXY_ADMIN_PORT, LINKERD_PROXY_INBOUND_PORT } from '../../model/cluster-flows.js';
import { ConnectionSet } from '../../netpol/connections.js';
import { admitted, rulesForClass, type Analysis } from '../../netpol/connectivity.js';
import { policyName } from '../../netpol/explain.js';
import { IntervalSet } from '../../netpol/intervals.js';
import type { WorkloadPeer } from '../../netpol/peers.js';
import { ruleConnections, type RuleRef } from '../../netpol/rules.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { compareIds, workloadGraph } from './workload-graph.js';

const EXAMPLES = 3;

// Ports of the proxy itself: admitting them alone is not an allow on an application port.
const PROXY_PORTS = IntervalSet.from<number>([
  [LINKERD_PROXY_INBOUND_PORT, LINKERD_PROXY_INBOUND_PORT],
  [LINKERD_PROXY_ADMIN_PORT, LINKERD_PROXY_ADMIN_PORT],
]);

export default defineCheck({
  id: 'netpol/linkerd-proxy-port',
  severity: 'high',
  side: 'shared',
  description: 'Ingress policies of Linkerd-meshed pods that admit meshed peers on an application port also admit them on the proxy\'s inbound port 4143.',
  rationale:
    'Between two meshed pods, Linkerd replaces the original destination port with the proxy\'s inbound port 4143, and the proxy forwards to the application port inside the pod. A NetworkPolicy sees only 4143, so a rule that admits the application port alone drops all meshed traffic.',
  remediation:
    'Add TCP 4143 to the ports of the rule that admits the meshed peers. Because the proxy then forwards to any application port of the pod, restrict the ports with Linkerd authorization policy (Server and AuthorizationPolicy) where it matters.',
  messages: {
    noProxyPort:
      'Linkerd-meshed {{destination}} admits {{count}} meshed workload(s), for example {{examples}}, on {{ports}} but not on TCP 4143, so their meshed connections are dropped (rule {{rule}} of {{policy}}). Allowing 4143 from them exposes every application port of {{destination}} to them, because the proxy forwards to the original port.',
  },
  limitations: [
    'Only the server\'s ingress policies are checked; the client\'s egress policies must admit TCP 4143 towards the server too.',
    'Ports listed in config.linkerd.io/skip-inbound-ports or skip-outbound-ports bypass the proxy and are still judged as meshed.',
  ],
  references: ['https://linkerd.io/2/common-errors/network-policy/'],
  run(inventory) {
    const graph = workloadGraph(inventory);
    const { analysis, linkerdMeshed } = graph;
    const findings: FindingDraft<'noProxyPort'>[] = [];
    if (linkerdMeshed.size === 0) return findings;

    for (const destination of linkerdMeshed) {
      if (!destination.classes.every((podClass) => analysis.ingress[podClass.index].policies.length > 0)) continue;
      const broken = brokenPeers(analysis, destination, linkerdMeshed);
      if (broken.count === 0 || !broken.rule) continue;
      const workload = graph.workloadsOf.get(destination)?.[0];
      if (!workload) continue;
      const rule = broken.rule;
      findings.push({
        messageId: 'noProxyPort',
        data: {
          destination: destination.id,
          count: broken.count,
          examples: broken.examples.join(', '),
          ports: broken.ports.toString(),
          rule: `spec.ingress[${rule.rule.index}]`,
          policy: policyName(rule.policy),
        },
        resource: rule.policy.resource,
        path: ['spec', 'ingress', rule.rule.index, 'ports'],
        fix: `Add {protocol: TCP, port: ${LINKERD_PROXY_INBOUND_PORT}} to spec.ingress[${rule.rule.index}].ports of ${policyName(rule.policy)}, and restrict the application ports with a Linkerd Server and AuthorizationPolicy.`,
      });
    }
    return findings;
  },
});

interface Broken {
  count: number;
  examples: string[];
  /** Application ports admitted without 4143. */
  ports: ConnectionSet;
  /** The first rule that admits an application port to an affected peer. */
  rule?: RuleRef;
}

/**
 * Finds the meshed source workloads that the destination's ingress rules admit on an
 * application port but not on 4143. Sources that a rule names are judged one by one; all
 * other meshed sources get only the wildcard rules, so they are judged together.
 */
function brokenPeers(analysis: Analysis, destination: WorkloadPeer, meshed: Set<WorkloadPeer>): Broken {
  const broken: Broken = { count: 0, examples: [], ports: ConnectionSet.none };
  const named = new Set<WorkloadPeer>();
  for (const podClass of destination.classes) {
    for (const index of analysis.ingress[podClass.index].byClass.keys()) {
      for (const workload of analysis.peers.classes[index]?.workloads ?? []) if (meshed.has(workload) && workload !== destination) named.add(workload);
    }
  }

  const judge = (rules: (RuleRef[] | undefined)[], label: () => string, members: number) => {
    let reached = ConnectionSet.none;
    destination.classes.forEach((podClass, index) => (reached = reached.union(admitted(rules[index], podClass))));
    const application = reached.portsOf('TCP').subtract(PROXY_PORTS);
    if (application.isEmpty() || reached.allows('TCP', LINKERD_PROXY_INBOUND_PORT)) return;
    broken.count += members;
    if (broken.examples.length < EXAMPLES) broken.examples.push(label());
    broken.ports = broken.ports.union(ConnectionSet.of('TCP', application));
    broken.rule ??= firstApplicationRule(rules, destination);
  };

  for (const source of [...named].sort(compareIds)) {
    const rules = destination.classes.map((podClass) => source.classes.flatMap((sourceClass) => rulesForClass(analysis.ingress[podClass.index], sourceClass) ?? []));
    judge(rules, () => source.id, 1);
  }

  const others = meshed.size - named.size - 1;
  if (others > 0) {
    const wildcard = destination.classes.map((podClass) => analysis.ingress[podClass.index].wildcard);
    const example = () => {
      for (const workload of meshed) if (workload !== destination && !named.has(workload)) return workload.id;
      return '';
    };
    judge(wildcard, example, others);
  }
  return broken;
}

function firstApplicationRule(rules: (RuleRef[] | undefined)[], destination: WorkloadPeer): RuleRef | undefined {
  for (const [index, refs] of rules.entries()) {
    for (const ref of refs ?? []) {
      if (!ruleConnections(ref.rule, destination.classes[index]).portsOf('TCP').subtract(PROXY_PORTS).isEmpty()) return ref;
    }
  }
  return undefined;
}
