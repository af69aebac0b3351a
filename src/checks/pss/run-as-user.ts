import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { containerSecurityContext, containerSecurityContextPath, podSecurityContext, podSecurityContextPath, setFieldFix, usesUserNamespace } from './pod-security.js';

type MessageId = 'pod' | 'container';

export default defineCheck({
  id: 'pss/run-as-user',
  severity: 'medium',
  side: 'chart',
  description: 'No pod or container sets runAsUser to 0 (root).',
  rationale: 'runAsUser: 0 runs the container\'s processes as root, which turns any container escape into root on the node and defeats runAsNonRoot. Pod Security Standards restricted forbids it. Since policy v1.35 pods with hostUsers: false are exempt, because UID 0 in their user namespace maps to an unprivileged user on the node.',
  remediation: 'Set runAsUser to a non-zero UID (for example 10001) or remove it and let the image\'s non-root USER apply.',
  messages: {
    pod: 'The pod sets securityContext.runAsUser to 0 (root).',
    container: 'Container "{{container}}" sets securityContext.runAsUser to 0 (root).',
  },
  limitations: ['An image whose USER is root is not seen when runAsUser is unset. pss/run-as-non-root covers that case.'],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_runAsUser.go',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const workload of inventory.workloads) {
      if (usesUserNamespace(workload)) continue;
      if (podSecurityContext(workload).runAsUser === 0) {
        const path = podSecurityContextPath(workload, 'runAsUser');
        findings.push({ messageId: 'pod', resource: workload.resource, path, fix: setFieldFix(path, 'a non-zero UID') });
      }
      for (const container of workload.containers) {
        if (containerSecurityContext(container).runAsUser !== 0) continue;
        const path = containerSecurityContextPath(container, 'runAsUser');
        findings.push({ messageId: 'container', data: { container: container.name }, resource: workload.resource, path, fix: setFieldFix(path, 'a non-zero UID') });
      }
    }
    return findings;
  },
});
