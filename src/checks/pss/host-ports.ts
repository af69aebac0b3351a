import { isRecord, list } from '../../model/access.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { removeFieldFix, shown } from './pod-security.js';

export default defineCheck({
  id: 'pss/host-ports',
  severity: 'high',
  side: 'chart',
  description: 'No container binds a port on the node (ports[].hostPort is unset or 0).',
  rationale: 'A hostPort publishes the container on the node\'s own address, outside the Service and NetworkPolicy model that most clusters use to control access, and pins the pod to nodes where the port is free. Pod Security Standards baseline forbids host ports.',
  remediation: 'Remove hostPort and expose the container through a Service (NodePort or LoadBalancer where outside access is needed).',
  messages: {
    hostPort: 'Container "{{container}}" binds port {{hostPort}} on the node.',
  },
  limitations: ['Pods with hostNetwork: true use the node\'s ports without hostPort. pss/host-namespaces reports those.'],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_hostPorts.go',
  ],
  run(inventory) {
    const findings: FindingDraft<'hostPort'>[] = [];
    for (const workload of inventory.workloads) {
      for (const container of workload.containers) {
        list(container.container.ports).forEach((port, index) => {
          if (!isRecord(port)) return;
          const hostPort = port.hostPort;
          // 0 and an absent field both mean no host port. The API server binds any other number and rejects other types.
          if (hostPort === undefined || hostPort === null || hostPort === 0) return;
          const path = [...container.path, 'ports', index, 'hostPort'];
          findings.push({ messageId: 'hostPort', data: { container: container.name, hostPort: shown(hostPort) }, resource: workload.resource, path, fix: removeFieldFix(path) });
        });
      }
    }
    return findings;
  },
});
