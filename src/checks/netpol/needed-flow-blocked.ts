import type { Inventory } from '../../model/inventory.js';
import { explain, policyName, type DirectionVerdict } from '../../netpol/explain.js';
import type { WorkloadPeer } from '../../netpol/peers.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { stableLabels, workloadGraph, type WorkloadFlow, type WorkloadGraph } from './workload-graph.js';

type MessageId = 'egressBlocked' | 'ingressBlocked';

export default defineCheck({
  id: 'netpol/needed-flow-blocked',
  severity: 'high',
  side: 'shared',
  description: 'Every connection the platform needs between workloads of the input is allowed by the egress policies of its client and the ingress policies of its server.',
  rationale: 'A NetworkPolicy that isolates a pod drops every connection its rules do not admit, so a client that cannot reach its database, message queue or peer fails at run time; the install breaks although every manifest applies cleanly.',
  remediation: 'Add a rule for the flow to the policy that isolates the blocked side: an egress rule to the server\'s pods and port on the client\'s side, an ingress rule from the client\'s pods on the server\'s side.',
  messages: {
    egressBlocked: '{{source}} cannot connect to {{destination}} on {{port}}, which the install needs ({{reason}}): egress of {{source}} is isolated by {{policies}}, and no egress rule of these admits it.',
    ingressBlocked: '{{source}} cannot connect to {{destination}} on {{port}}, which the install needs ({{reason}}): ingress of {{destination}} is isolated by {{policies}}, and no ingress rule of these admits it.',
  },
  limitations: [
    'Only flows whose client and server are both workloads of the input are checked; flows from the ingress controller, to kube-dns and to the Linkerd control plane are not, because their pods are not in the input.',
    'Flows are inferred from Services named in env, args and ConfigMaps, from Ingress backends and from chart profiles; a connection the platform makes without such a trace is not known.',
    'Between two Linkerd-meshed workloads, traffic arrives on the proxy\'s inbound port 4143 instead of the application port, so only the flow on 4143 is checked for such pairs.',
  ],
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/', 'https://linkerd.io/2/common-errors/network-policy/'],
  run(inventory) {
    const graph = workloadGraph(inventory);
    const findings: FindingDraft<MessageId>[] = [];
    const seen = new Set<string>();

    for (const entry of graph.flows) {
      // Linkerd replaces the original port of meshed-to-meshed traffic with 4143, so only the flow on 4143 reaches the policies.
      const bothMeshed = graph.linkerdMeshed.has(entry.source) && graph.linkerdMeshed.has(entry.destination);
      if (bothMeshed && entry.flow.purpose !== 'mesh') continue;

      const key = `${entry.source.id}\u0000${entry.destination.id}\u0000${entry.protocol} ${entry.flow.port}`;
      if (seen.has(key)) continue;
      seen.add(key);

      const verdict = explain(inventory, entry.source.id, entry.destination.id, { port: entry.flow.port, protocol: entry.protocol });
      if (verdict.allowed) continue;
      for (const side of [verdict.egress, verdict.ingress]) {
        if (side.allowed || side.isolatedBy.length === 0) continue;
        findings.push(blockedFinding(inventory, graph, entry, side));
      }
    }
    return findings;
  },
});

function blockedFinding(inventory: Inventory, graph: WorkloadGraph, entry: WorkloadFlow, side: DirectionVerdict): FindingDraft<MessageId> {
  const port = `${entry.protocol} ${entry.flow.port}`;
  const policy = side.isolatedBy[0];
  const egress = side.direction === 'egress';
  return {
    messageId: egress ? 'egressBlocked' : 'ingressBlocked',
    data: {
      source: entry.source.id,
      destination: entry.destination.id,
      port,
      reason: entry.flow.reasons[0] ?? 'inferred flow',
      policies: side.isolatedBy.map(policyName).join(', '),
    },
    resource: policy.resource,
    path: ['spec', 'podSelector'],
    fix: egress
      ? `Add to ${policyName(policy)} an egress rule {to: [${peerSelector(inventory, graph, entry.destination, entry.source.namespace)}], ports: [{protocol: ${entry.protocol}, port: ${entry.flow.port}}]}.`
      : `Add to ${policyName(policy)} an ingress rule {from: [${peerSelector(inventory, graph, entry.source, entry.destination.namespace)}], ports: [{protocol: ${entry.protocol}, port: ${entry.flow.port}}]}.`,
  };
}

/**
 * Writes a peer that selects the pods of `peer` from a policy in namespace `from`. Pods without a
 * label that survives upgrades get a placeholder asking for one.
 */
function peerSelector(inventory: Inventory, graph: WorkloadGraph, peer: WorkloadPeer, from: string): string {
  const labels = stableLabels(inventory, graph, peer) ?? `{<a stable label of ${peer.id}, which has none; add one to its pod template>}`;
  const pods = `podSelector: {matchLabels: ${labels}}`;
  if (peer.namespace === from) return `{${pods}}`;
  return `{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${peer.namespace}}}, ${pods}}`;
}
