import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { containerSecurityContext, containerSecurityContextPath, isWindowsPod, setFieldFix, shown } from './pod-security.js';

type MessageId = 'unset' | 'allowed';

export default defineCheck({
  id: 'pss/privilege-escalation',
  severity: 'medium',
  side: 'chart',
  description: 'Every container sets securityContext.allowPrivilegeEscalation to false (Windows pods excepted).',
  rationale: 'Unless allowPrivilegeEscalation is false, the kernel\'s no_new_privs flag stays off and a process can gain privileges through set-user-ID binaries or file capabilities. Pod Security Standards restricted requires false on every container, including init and ephemeral containers. Since policy v1.25 pods with spec.os.name: windows are exempt.',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.',
  messages: {
    unset: 'Container "{{container}}" does not set securityContext.allowPrivilegeEscalation, so it defaults to true.',
    allowed: 'Container "{{container}}" sets securityContext.allowPrivilegeEscalation to {{value}} instead of false.',
  },
  limitations: [
    'There is no pod-level field, so each container must set it. A mutating webhook that sets it at admission is not seen.',
    'A pod counts as Windows only when spec.os.name is windows. Node selectors for Windows nodes are not read.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_allowPrivilegeEscalation.go',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const workload of inventory.workloads) {
      if (isWindowsPod(workload)) continue;
      for (const container of workload.containers) {
        const value = containerSecurityContext(container).allowPrivilegeEscalation;
        if (value === false) continue;
        const path = containerSecurityContextPath(container, 'allowPrivilegeEscalation');
        const draft: FindingDraft<MessageId> =
          value === undefined || value === null
            ? { messageId: 'unset', data: { container: container.name } }
            : { messageId: 'allowed', data: { container: container.name, value: shown(value) } };
        findings.push({ ...draft, resource: workload.resource, path, fix: setFieldFix(path, 'false') });
      }
    }
    return findings;
  },
});
