import { at, isRecord, record } from '../../model/access.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { removeFieldFix, shown } from './pod-security.js';

/** Paths of the probes and lifecycle hooks inside a container. Each may name a host under httpGet or tcpSocket. */
const HANDLERS: readonly string[][] = [
  ['livenessProbe'],
  ['readinessProbe'],
  ['startupProbe'],
  ['lifecycle', 'postStart'],
  ['lifecycle', 'preStop'],
];
const ACTIONS = ['httpGet', 'tcpSocket'] as const;

export default defineCheck({
  id: 'pss/host-probes-and-lifecycle',
  severity: 'high',
  side: 'chart',
  description: 'Probes and lifecycle hooks connect to the pod itself (their httpGet.host and tcpSocket.host are unset or empty).',
  rationale: 'The kubelet runs probes and hooks from the node, so a host field makes the node connect to any address the manifest names, including node-local and cloud metadata endpoints that the pod itself could not reach. Pod Security Standards baseline forbids the field since policy v1.34.',
  remediation: 'Remove the host field from the probe or hook so that the kubelet connects to the pod\'s IP, and set a Host header under httpGet.httpHeaders if the server needs a virtual host name.',
  messages: {
    host: 'Container "{{container}}" sends its {{handler}} to host "{{host}}".',
  },
  limitations: ['Exec probes and hooks run inside the container and may connect anywhere, but they are not checked.'],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_hostProbesAndhostLifecycle.go',
  ],
  run(inventory) {
    const findings: FindingDraft<'host'>[] = [];
    for (const workload of inventory.workloads) {
      for (const container of workload.containers) {
        for (const handlerPath of HANDLERS) {
          const handler = at(container.container, ...handlerPath);
          if (!isRecord(handler)) continue;
          for (const action of ACTIONS) {
            const host = record(handler[action]).host;
            if (host === undefined || host === null || host === '') continue;
            const path = [...container.path, ...handlerPath, action, 'host'];
            const data = { container: container.name, handler: [...handlerPath, action].join('.'), host: shown(host) };
            findings.push({ messageId: 'host', data, resource: workload.resource, path, fix: removeFieldFix(path) });
          }
        }
      }
    }
    return findings;
  },
});
