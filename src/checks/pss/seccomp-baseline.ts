import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { ALLOWED_SECCOMP_TYPES, containerSecurityContext, containerSecurityContextPath, podSecurityContext, podSecurityContextPath, presentRecord, setFieldFix, shown } from './pod-security.js';

type MessageId = 'podType' | 'containerType';

export default defineCheck({
  id: 'pss/seccomp-baseline',
  severity: 'high',
  side: 'chart',
  description: 'No pod or container turns seccomp off (a seccompProfile, where set, has type RuntimeDefault or Localhost).',
  rationale: 'Seccomp filters the system calls a container may make and blocks many that kernel exploits rely on, and an Unconfined profile removes the filter. Pod Security Standards baseline forbids setting any other type than RuntimeDefault or Localhost.',
  remediation: 'Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a profile installed on the nodes) at the pod level, and remove Unconfined profiles from containers.',
  messages: {
    podType: 'The pod sets securityContext.seccompProfile.type to "{{type}}".',
    containerType: 'Container "{{container}}" sets securityContext.seccompProfile.type to "{{type}}".',
  },
  limitations: [
    'An unset profile passes here, as in baseline, and then the kubelet\'s default applies, which is Unconfined unless the nodes enable --seccomp-default. pss/seccomp-restricted reports unset profiles.',
    'The seccomp annotations that predate the field (seccomp.security.alpha.kubernetes.io/*) are not read, because since policy v1.19 Pod Security Admission checks only the field.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_seccompProfile_baseline.go',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const workload of inventory.workloads) {
      const podProfile = presentRecord(podSecurityContext(workload).seccompProfile);
      if (podProfile && !ALLOWED_SECCOMP_TYPES.has(shown(podProfile.type))) {
        const path = podSecurityContextPath(workload, 'seccompProfile', 'type');
        findings.push({ messageId: 'podType', data: { type: shown(podProfile.type) }, resource: workload.resource, path, fix: setFieldFix(path, 'RuntimeDefault') });
      }

      for (const container of workload.containers) {
        const profile = presentRecord(containerSecurityContext(container).seccompProfile);
        if (!profile || ALLOWED_SECCOMP_TYPES.has(shown(profile.type))) continue;
        const path = containerSecurityContextPath(container, 'seccompProfile', 'type');
        findings.push({ messageId: 'containerType', data: { container: container.name, type: shown(profile.type) }, resource: workload.resource, path, fix: setFieldFix(path, 'RuntimeDefault') });
      }
    }
    return findings;
  },
});
