import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { containerSecurityContextPath, setFieldFix, unmaskedProcMounts, usesUserNamespace } from './pod-security.js';

export default defineCheck({
  id: 'pss/proc-mount-restricted',
  severity: 'medium',
  side: 'chart',
  description: 'Containers keep the default masked /proc even in pods with their own user namespace (hostUsers: false).',
  rationale: 'Pod Security Standards restricted allows only the Default procMount, with no exception for user namespaces, because an unmasked /proc still exposes kernel interfaces that a user namespace does not fully isolate. This check covers the pods that pss/proc-mount leaves out, so together they give the restricted rule.',
  remediation: 'Remove securityContext.procMount or set it to Default.',
  messages: {
    unmasked: 'Container "{{container}}" sets securityContext.procMount to "{{procMount}}", but restricted allows only Default, even with hostUsers: false.',
  },
  limitations: ['Pods that share the node\'s user namespace are reported by pss/proc-mount, not here, so that one setting gives one finding.'],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_procMount_restricted.go',
  ],
  run(inventory) {
    const findings: FindingDraft<'unmasked'>[] = [];
    for (const workload of inventory.workloads) {
      if (!usesUserNamespace(workload)) continue;
      for (const { container, procMount } of unmaskedProcMounts(workload)) {
        const path = containerSecurityContextPath(container, 'procMount');
        findings.push({ messageId: 'unmasked', data: { container: container.name, procMount }, resource: workload.resource, path, fix: setFieldFix(path, 'Default') });
      }
    }
    return findings;
  },
});
