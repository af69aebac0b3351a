import { isEmptySelector } from '../../model/selectors.js';
import { networkPolicies } from '../../netpol/policy.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'netpol/no-default-deny',
  severity: 'medium',
  side: 'shared',
  description: 'Every namespace with workloads has a NetworkPolicy that selects all of its pods for ingress, so that traffic is denied unless a policy allows it.',
  rationale: 'Without a policy that selects every pod, any pod in the cluster (and anything that reaches the nodes) can connect to every port of the platform, and a new workload starts unprotected.',
  remediation: 'Apply a default-deny policy in the namespace (podSelector: {}, policyTypes: [Ingress, Egress]) together with policies that allow the flows the platform needs; "rampart harden netpol" writes both.',
  messages: { missing: 'Namespace {{namespace}} has {{count}} workload(s) and no NetworkPolicy that selects all its pods for ingress.' },
  limitations: ['NetworkPolicies only take effect with a CNI plugin that enforces them (Calico, Cilium and others); the audit cannot see the CNI.'],
  run(inventory) {
    const policies = networkPolicies(inventory);
    const findings = [];
    for (const namespace of inventory.namespaces.values()) {
      const workloads = inventory.workloadsIn(namespace.name);
      if (workloads.length === 0) continue;
      const denies = policies.some((policy) => policy.namespace === namespace.name && policy.isolates.ingress && isEmptySelector(policy.podSelector));
      if (denies) continue;
      const fix = `Apply in namespace ${namespace.name}: apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata.name: default-deny, spec: {podSelector: {}, policyTypes: [Ingress, Egress]}, plus allow policies for the platform's flows.`;
      // Without a Namespace object the finding points at a workload's file but is not about that
      // workload, so a suppression on one workload cannot hide it.
      const first = workloads[0].resource.source;
      findings.push({
        messageId: 'missing' as const,
        data: { namespace: namespace.name, count: workloads.length },
        ...(namespace.resource ? { resource: namespace.resource } : { location: { file: first.file, line: first.line } }),
        fix,
      });
    }
    return findings;
  },
});
