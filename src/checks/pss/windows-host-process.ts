import { record } from '../../model/access.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { containerSecurityContext, containerSecurityContextPath, podSecurityContext, podSecurityContextPath, removeFieldFix } from './pod-security.js';

type MessageId = 'pod' | 'container';

export default defineCheck({
  id: 'pss/windows-host-process',
  severity: 'critical',
  side: 'chart',
  description: 'No pod or container runs as a Windows HostProcess container (windowsOptions.hostProcess is unset or false).',
  rationale: 'A Windows HostProcess container runs directly on the node as a host process, with the node\'s network and file system and the rights of the chosen Windows user, which is the Windows counterpart of a privileged container. Pod Security Standards baseline forbids it.',
  remediation: 'Remove securityContext.windowsOptions.hostProcess from the pod and its containers, or set it to false.',
  messages: {
    pod: 'The pod runs as a Windows HostProcess pod (securityContext.windowsOptions.hostProcess: true).',
    container: 'Container "{{container}}" runs as a Windows HostProcess container (securityContext.windowsOptions.hostProcess: true).',
  },
  limitations: ['A container that sets hostProcess: false under a pod that sets true is still part of a HostProcess pod, and the pod-level finding covers it.'],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_windowsHostProcess.go',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const workload of inventory.workloads) {
      if (record(podSecurityContext(workload).windowsOptions).hostProcess === true) {
        const path = podSecurityContextPath(workload, 'windowsOptions', 'hostProcess');
        findings.push({ messageId: 'pod', resource: workload.resource, path, fix: removeFieldFix(path) });
      }
      for (const container of workload.containers) {
        if (record(containerSecurityContext(container).windowsOptions).hostProcess !== true) continue;
        const path = containerSecurityContextPath(container, 'windowsOptions', 'hostProcess');
        findings.push({ messageId: 'container', data: { container: container.name }, resource: workload.resource, path, fix: removeFieldFix(path) });
      }
    }
    return findings;
  },
});
