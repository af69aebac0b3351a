import { everyAddress } from '../../netpol/ipsets.js';
import { networkPolicies, rulePath, type PolicyRule } from '../../netpol/policy.js';
import { peerAddresses } from '../../netpol/rules.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';

export default defineCheck({
  id: 'netpol/egress-to-everywhere',
  severity: 'medium',
  side: 'shared',
  description: 'No NetworkPolicy egress rule admits every address (an ipBlock of 0.0.0.0/0 or ::/0 without except).',
  rationale: 'An egress rule to every address lets a compromised pod send data to any host on the internet and reach every address inside the cluster network, which is what egress isolation is meant to stop.',
  remediation: 'Replace the ipBlock with the address ranges the pods really need (an object store, an OIDC provider, a proxy), or list the cluster\'s own ranges under except.',
  messages: {
    everyAddress: 'Egress rule {{rule}} of NetworkPolicy {{policy}} admits every {{family}} address ({{cidr}}) on {{ports}}.',
  },
  limitations: ['Egress rules without `to` also admit every address, but they are the usual way to allow DNS to any resolver and are not reported.'],
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/'],
  run(inventory) {
    const findings: FindingDraft<'everyAddress'>[] = [];
    for (const policy of networkPolicies(inventory)) {
      if (!policy.isolates.egress) continue;
      for (const rule of policy.egress) {
        for (const peer of rule.peers ?? []) {
          if (peer.type !== 'ipBlock') continue;
          // The engine's address set catches every spelling of "all": 0.0.0.0/0, 10.0.0.0/0, ::/0, and an except of the other family.
          const block = peerAddresses(peer);
          if (!block || !block.addresses.equals(everyAddress(block.family))) continue;
          findings.push({
            messageId: 'everyAddress',
            data: { rule: rule.index, policy: `${policy.namespace}/${policy.resource.name}`, family: block.family === 4 ? 'IPv4' : 'IPv6', cidr: peer.cidr, ports: describePorts(rule) },
            resource: policy.resource,
            path: rulePath('egress', rule, peer),
            severity: rule.ports ? 'medium' : 'high',
          });
        }
      }
    }
    return findings;
  },
});

function describePorts(rule: PolicyRule): string {
  if (!rule.ports) return 'every port';
  return rule.ports.map((port) => (port.port === undefined ? `every ${port.protocol} port` : `${port.protocol} ${port.port}${port.endPort ? `-${port.endPort}` : ''}`)).join(', ');
}
