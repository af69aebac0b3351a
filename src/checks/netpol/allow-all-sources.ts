import { isAnySource, networkPolicies, rulePath, type Peer, type PolicyRule } from '../../netpol/policy.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';

export default defineCheck({
  id: 'netpol/allow-all-sources',
  severity: 'medium',
  side: 'shared',
  description: 'No NetworkPolicy ingress rule admits every source: each names the pods, namespaces or address ranges that may connect.',
  rationale: 'A rule without `from`, with `namespaceSelector: {}` and no pod selector, or with ipBlock 0.0.0.0/0 lets any pod in the cluster (or any address) in, which undoes the isolation the policy seems to give.',
  remediation: 'Give the rule a `from` that lists only the clients of the selected pods, e.g. a podSelector on their labels, or a namespaceSelector on kubernetes.io/metadata.name with a podSelector.',
  messages: {
    anySource: 'Ingress rule {{rule}} of NetworkPolicy {{policy}} admits {{sources}} on {{ports}}.',
  },
  run(inventory) {
    const findings: FindingDraft<'anySource'>[] = [];
    for (const policy of networkPolicies(inventory)) {
      if (!policy.isolates.ingress) continue;
      for (const rule of policy.ingress) {
        const { any, peer } = isAnySource(rule);
        if (!any) continue;
        const allPorts = !rule.ports;
        findings.push({
          messageId: 'anySource',
          data: {
            rule: rule.index,
            policy: `${policy.namespace}/${policy.resource.name}`,
            sources: describeSources(peer),
            ports: describePorts(rule),
          },
          resource: policy.resource,
          path: rulePath('ingress', rule, peer),
          severity: allPorts ? 'high' : 'medium',
        });
      }
    }
    return findings;
  },
});

function describeSources(peer: Peer | undefined): string {
  if (!peer) return 'every source (the rule has no from)';
  if (peer.type === 'ipBlock') return `every address (${peer.cidr})`;
  return 'every pod of every namespace';
}

function describePorts(rule: PolicyRule): string {
  if (!rule.ports) return 'every port';
  return rule.ports.map((port) => (port.port === undefined ? `every ${port.protocol} port` : `${port.protocol} ${port.port}${port.endPort ? `-${port.endPort}` : ''}`)).join(', ');
}
