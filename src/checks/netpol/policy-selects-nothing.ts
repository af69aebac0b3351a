import { analyse, selectedClasses } from '../../netpol/connectivity.js';
import { networkPolicies } from '../../netpol/policy.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { isRejectedSelector } from './workload-graph.js';

type MessageId = 'selectsNothing' | 'invalidSelector';

export default defineCheck({
  id: 'netpol/policy-selects-nothing',
  severity: 'medium',
  side: 'shared',
  description: 'Every NetworkPolicy selects at least one pod of its namespace.',
  rationale: 'A policy whose podSelector matches no pod isolates nothing, usually because a label was mistyped or changed in the chart; the pods it was written for stay open while the policy suggests they are protected.',
  remediation: 'Make the podSelector match the labels of the pods it is meant for (compare it with the pod template labels), or delete the policy.',
  messages: {
    selectsNothing: 'NetworkPolicy {{policy}} selects no pod: none of the {{workloads}} workload(s) of namespace {{namespace}} in the input has labels that match its podSelector.',
    invalidSelector: 'NetworkPolicy {{policy}} has a podSelector the API server rejects (a label value or expression of the wrong type, or an unknown operator), so it selects no pod.',
  },
  limitations: ['Pods outside the input are not seen: a policy in a namespace whose workloads are all outside the input is not judged.'],
  run(inventory) {
    const analysis = analyse(inventory);
    const findings: FindingDraft<MessageId>[] = [];
    for (const policy of networkPolicies(inventory)) {
      const name = `${policy.namespace}/${policy.resource.name}`;
      if (isRejectedSelector(policy.podSelector)) {
        findings.push({ messageId: 'invalidSelector', data: { policy: name }, resource: policy.resource, path: ['spec', 'podSelector'] });
        continue;
      }
      const workloads = inventory.workloadsIn(policy.namespace).length;
      if (workloads === 0 || selectedClasses(analysis, policy).length > 0) continue;
      findings.push({ messageId: 'selectsNothing', data: { policy: name, namespace: policy.namespace, workloads }, resource: policy.resource, path: ['spec', 'podSelector'] });
    }
    return findings;
  },
});
