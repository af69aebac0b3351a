import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { containerSecurityContext, containerSecurityContextPath, isWindowsPod, podSecurityContext, podSecurityContextPath, presentRecord, setFieldFix } from './pod-security.js';

export default defineCheck({
  id: 'pss/seccomp-restricted',
  severity: 'medium',
  side: 'chart',
  description: 'Every container runs with a seccomp profile of type RuntimeDefault or Localhost, set on the container or inherited from the pod (Windows pods excepted).',
  rationale: 'Without an explicit profile the kubelet runs containers Unconfined unless every node enables --seccomp-default, so the system call filter depends on node settings the workload cannot see. Pod Security Standards restricted requires RuntimeDefault or Localhost for every container. Since policy v1.25 pods with spec.os.name: windows are exempt.',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault at the pod level so that every container inherits it.',
  messages: {
    unset: 'Neither container "{{container}}" nor its pod sets securityContext.seccompProfile.type to RuntimeDefault or Localhost.',
  },
  limitations: [
    'Profiles set to another type, such as Unconfined, are reported by pss/seccomp-baseline, not again here.',
    'Nodes that run every container with RuntimeDefault (kubelet --seccomp-default) are not visible, so such containers are still reported.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_seccompProfile_restricted.go',
  ],
  run(inventory) {
    const findings: FindingDraft<'unset'>[] = [];
    for (const workload of inventory.workloads) {
      if (isWindowsPod(workload)) continue;
      // Any pod-level profile covers the containers that set none. A valid one passes them, and
      // pss/seccomp-baseline reports an invalid one, whose fix fixes them too.
      if (presentRecord(podSecurityContext(workload).seccompProfile)) continue;
      for (const container of workload.containers) {
        if (presentRecord(containerSecurityContext(container).seccompProfile)) continue;
        const path = containerSecurityContextPath(container, 'seccompProfile', 'type');
        findings.push({ messageId: 'unset', data: { container: container.name }, resource: workload.resource, path, fix: setFieldFix(podSecurityContextPath(workload, 'seccompProfile', 'type'), 'RuntimeDefault') });
      }
    }
    return findings;
  },
});
