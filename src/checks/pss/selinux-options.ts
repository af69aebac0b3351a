import type { Json } from '../../model/access.js';
import type { PathSegment } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { containerSecurityContext, containerSecurityContextPath, podSecurityContext, podSecurityContextPath, presentRecord, removeFieldFix, shown } from './pod-security.js';

/**
 * SELinux types a pod may request under baseline: the container types of the container-selinux
 * policy, and the empty type for the runtime's default. container_engine_t is allowed since policy v1.31.
 */
export const ALLOWED_SELINUX_TYPES: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

type MessageId = 'podType' | 'containerType' | 'podUserOrRole' | 'containerUserOrRole';

interface Problem {
  field: 'type' | 'user' | 'role';
  value: string;
}

/** Lists the members of one seLinuxOptions mapping that baseline forbids. */
function problemsOf(options: Json): Problem[] {
  const problems: Problem[] = [];
  const type = options.type === undefined || options.type === null ? '' : shown(options.type);
  if (!ALLOWED_SELINUX_TYPES.has(type)) problems.push({ field: 'type', value: type });
  for (const field of ['user', 'role'] as const) {
    const value = options[field];
    if (value === undefined || value === null || value === '') continue;
    problems.push({ field, value: shown(value) });
  }
  return problems;
}

export default defineCheck({
  id: 'pss/selinux-options',
  severity: 'high',
  side: 'chart',
  description: 'No pod or container sets a custom SELinux user or role, and any SELinux type is one of container_t, container_init_t, container_kvm_t or container_engine_t.',
  rationale: 'The SELinux label confines what a container may touch on an SELinux node, and a custom type such as spc_t or unconfined_t, or a custom user or role, lifts that confinement. Pod Security Standards baseline allows only the container types and the level (MCS categories).',
  remediation: 'Remove seLinuxOptions.type, user and role, keeping only level if the workload needs specific MCS categories.',
  messages: {
    podType: 'The pod sets securityContext.seLinuxOptions.type to "{{type}}", which is not an allowed container type.',
    containerType: 'Container "{{container}}" sets securityContext.seLinuxOptions.type to "{{type}}", which is not an allowed container type.',
    podUserOrRole: 'The pod sets securityContext.seLinuxOptions.{{field}} to "{{value}}".',
    containerUserOrRole: 'Container "{{container}}" sets securityContext.seLinuxOptions.{{field}} to "{{value}}".',
  },
  limitations: [
    'Labels that the container runtime or a mutating webhook assigns are not seen. Only what the manifest requests is checked.',
    'The pod-level and container-level options are checked separately, as Pod Security Admission does, so a container that overrides a forbidden pod-level type still leaves the pod-level finding.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_seLinuxOptions.go',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const workload of inventory.workloads) {
      const podOptions = presentRecord(podSecurityContext(workload).seLinuxOptions);
      if (podOptions) {
        for (const problem of problemsOf(podOptions)) {
          const path: PathSegment[] = podSecurityContextPath(workload, 'seLinuxOptions', problem.field);
          const draft: FindingDraft<MessageId> =
            problem.field === 'type'
              ? { messageId: 'podType', data: { type: problem.value } }
              : { messageId: 'podUserOrRole', data: { field: problem.field, value: problem.value } };
          findings.push({ ...draft, resource: workload.resource, path, fix: removeFieldFix(path) });
        }
      }

      for (const container of workload.containers) {
        const options = presentRecord(containerSecurityContext(container).seLinuxOptions);
        if (!options) continue;
        for (const problem of problemsOf(options)) {
          const path = containerSecurityContextPath(container, 'seLinuxOptions', problem.field);
          const draft: FindingDraft<MessageId> =
            problem.field === 'type'
              ? { messageId: 'containerType', data: { container: container.name, type: problem.value } }
              : { messageId: 'containerUserOrRole', data: { container: container.name, field: problem.field, value: problem.value } };
          findings.push({ ...draft, resource: workload.resource, path, fix: removeFieldFix(path) });
        }
      }
    }
    return findings;
  },
});
