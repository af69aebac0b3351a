import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { containerSecurityContext, containerSecurityContextPath, setFieldFix } from './pod-security.js';

export default defineCheck({
  id: 'pss/privileged',
  severity: 'critical',
  side: 'chart',
  description: 'No container runs privileged (securityContext.privileged is unset or false).',
  rationale: 'A privileged container has every capability, every device of the node and no seccomp or AppArmor confinement, so a compromise of it is a compromise of the node. Pod Security Standards baseline forbids it.',
  remediation: 'Set securityContext.privileged to false (or remove it) and add back only the specific capabilities the container needs.',
  messages: {
    privileged: 'Container "{{container}}" runs privileged (securityContext.privileged: true).',
  },
  limitations: ['A mutating admission webhook that sets privileged after rampart has read the manifest is not seen.'],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_privileged.go',
  ],
  run(inventory) {
    const findings: FindingDraft<'privileged'>[] = [];
    for (const workload of inventory.workloads) {
      for (const container of workload.containers) {
        if (containerSecurityContext(container).privileged !== true) continue;
        const path = containerSecurityContextPath(container, 'privileged');
        findings.push({ messageId: 'privileged', data: { container: container.name }, resource: workload.resource, path, fix: setFieldFix(path, 'false') });
      }
    }
    return findings;
  },
});
