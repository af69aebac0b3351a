import { networkPolicies, selects } from '../../netpol/policy.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'netpol/workload-not-selected',
  severity: 'medium',
  side: 'shared',
  description: 'In a namespace that has NetworkPolicies, every workload is selected by a policy that isolates it for ingress.',
  rationale: 'A pod that no ingress policy selects accepts connections from everywhere, even when its neighbours are locked down; it is usually a workload the policies forgot.',
  remediation: 'Select the workload in a policy that allows only the flows it needs, or add a default-deny policy with podSelector: {}.',
  messages: { open: '{{workload}} is selected by no NetworkPolicy for ingress, so every source can connect to it.' },
  limitations: ['Namespaces without any NetworkPolicy are reported once by netpol/no-default-deny instead of once per workload.'],
  run(inventory) {
    const byNamespace = new Map<string, ReturnType<typeof networkPolicies>>();
    for (const policy of networkPolicies(inventory)) {
      const bucket = byNamespace.get(policy.namespace);
      if (bucket) bucket.push(policy);
      else byNamespace.set(policy.namespace, [policy]);
    }
    const findings = [];
    for (const workload of inventory.workloads) {
      const inNamespace = byNamespace.get(workload.namespace) ?? [];
      if (inNamespace.length === 0) continue;
      if (inNamespace.some((policy) => policy.isolates.ingress && selects(policy, workload))) continue;
      findings.push({
        messageId: 'open' as const,
        data: { workload: `${workload.kind} ${workload.namespace}/${workload.name}` },
        resource: workload.resource,
        path: [...workload.podMetadataPath, 'labels'],
      });
    }
    return findings;
  },
});
