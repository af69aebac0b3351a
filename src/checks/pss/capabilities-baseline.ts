import { list, record } from '../../model/access.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { containerSecurityContext, containerSecurityContextPath, removeFieldFix, shown } from './pod-security.js';

/**
 * The capabilities a container may add under baseline: the default set of container runtimes
 * minus NET_RAW. Pod Security Admission compares the names exactly, so `chown` and `CAP_CHOWN`
 * are not `CHOWN`.
 */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

export default defineCheck({
  id: 'pss/capabilities-baseline',
  severity: 'high',
  side: 'chart',
  description: 'Containers add no Linux capability beyond the container runtime\'s default set, and never NET_RAW.',
  rationale: 'Capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE give a container powers over the kernel and other processes that lead to escapes, and NET_RAW allows spoofed packets on the pod network. Pod Security Standards baseline allows adding only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT.',
  remediation: 'Remove the capability from securityContext.capabilities.add. If the process truly needs it, run the workload in a namespace that allows the privileged level and document why.',
  messages: {
    added: 'Container "{{container}}" adds capability {{capability}}, which is outside the baseline set.',
  },
  limitations: [
    'Names are compared exactly, as Pod Security Admission does, so a lowercase name or one with the CAP_ prefix is reported even when the runtime would accept it.',
    'Capabilities a container gains from its image (file capabilities) or from the runtime\'s own default set are not seen.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_capabilities_baseline.go',
  ],
  run(inventory) {
    const findings: FindingDraft<'added'>[] = [];
    for (const workload of inventory.workloads) {
      for (const container of workload.containers) {
        const added = list(record(containerSecurityContext(container).capabilities).add);
        added.forEach((capability, index) => {
          const name = shown(capability);
          if (BASELINE_CAPABILITIES.has(name)) return;
          const path = containerSecurityContextPath(container, 'capabilities', 'add', index);
          findings.push({ messageId: 'added', data: { container: container.name, capability: name }, resource: workload.resource, path, fix: removeFieldFix(path) });
        });
      }
    }
    return findings;
  },
});
