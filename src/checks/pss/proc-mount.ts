import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { containerSecurityContextPath, setFieldFix, unmaskedProcMounts, usesUserNamespace } from './pod-security.js';

export default defineCheck({
  id: 'pss/proc-mount',
  severity: 'high',
  side: 'chart',
  description: 'Containers of pods that share the node\'s user namespace keep the default masked /proc (securityContext.procMount is unset or Default).',
  rationale: 'The default /proc mount hides and makes read-only the kernel interfaces under /proc that leak node information or allow changing kernel settings, and Unmasked exposes them. Since policy v1.35 Pod Security Standards baseline allows Unmasked in pods with hostUsers: false, where the container\'s root is not root on the node.',
  remediation: 'Remove securityContext.procMount or set it to Default. A workload that needs an unmasked /proc (such as a nested container build) should run with hostUsers: false.',
  messages: {
    unmasked: 'Container "{{container}}" sets securityContext.procMount to "{{procMount}}" while its pod shares the node\'s user namespace.',
  },
  limitations: [
    'A pod without hostUsers is treated as sharing the node\'s user namespace, which is the Kubernetes default. Whether the nodes support user namespaces is not visible in manifests.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_procMount_baseline.go',
  ],
  run(inventory) {
    const findings: FindingDraft<'unmasked'>[] = [];
    for (const workload of inventory.workloads) {
      if (usesUserNamespace(workload)) continue;
      for (const { container, procMount } of unmaskedProcMounts(workload)) {
        const path = containerSecurityContextPath(container, 'procMount');
        findings.push({ messageId: 'unmasked', data: { container: container.name, procMount }, resource: workload.resource, path, fix: setFieldFix(path, 'Default') });
      }
    }
    return findings;
  },
});
