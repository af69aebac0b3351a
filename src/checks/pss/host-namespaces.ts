import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { removeFieldFix } from './pod-security.js';

const HOST_NAMESPACES = [
  { field: 'hostNetwork', namespace: 'network' },
  { field: 'hostPID', namespace: 'process ID' },
  { field: 'hostIPC', namespace: 'IPC' },
] as const;

export default defineCheck({
  id: 'pss/host-namespaces',
  severity: 'critical',
  side: 'chart',
  description: 'Pods do not share the node\'s network, process ID or IPC namespace (hostNetwork, hostPID and hostIPC are unset or false).',
  rationale: 'A pod in the host network namespace can bind node ports and reach services listening on the node\'s loopback. In the host PID namespace it can see and signal every process on the node, and in the host IPC namespace it can read shared memory of other workloads. Pod Security Standards baseline forbids all three.',
  remediation: 'Remove hostNetwork, hostPID and hostIPC from the pod spec, or set them to false, and expose ports through a Service instead of the node\'s network.',
  messages: {
    hostNamespace: 'The pod shares the node\'s {{namespace}} namespace ({{field}}: true).',
  },
  limitations: [
    'Every workload is reported whatever Pod Security Admission level its namespace enforces, so system components that need host namespaces should be suppressed with a reason.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_hostNamespaces.go',
  ],
  run(inventory) {
    const findings: FindingDraft<'hostNamespace'>[] = [];
    for (const workload of inventory.workloads) {
      for (const { field, namespace } of HOST_NAMESPACES) {
        if (workload.podSpec[field] !== true) continue;
        const path = [...workload.podSpecPath, field];
        findings.push({ messageId: 'hostNamespace', data: { field, namespace }, resource: workload.resource, path, fix: removeFieldFix(path) });
      }
    }
    return findings;
  },
});
