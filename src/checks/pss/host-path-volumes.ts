import { isRecord, list, record, text } from '../../model/access.js';
import { defineCheck } from '../define.js';
import type { FindingDraft, Severity } from '../types.js';

/**
 * Node paths whose mount hands over the node itself: its root, configuration, kernel interfaces,
 * container runtime sockets (under /run and /var/run) and the state of the kubelet and runtimes.
 */
const NODE_CRITICAL_PATHS = ['/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/run', '/var/run', '/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd'];

/** Rates a hostPath mount: critical for the node's root or a path under NODE_CRITICAL_PATHS, high otherwise. */
function severityOf(hostPath: string): Severity {
  const normalized = hostPath.replace(/\/+$/, '') || '/';
  if (normalized === '/') return 'critical';
  return NODE_CRITICAL_PATHS.some((critical) => normalized === critical || normalized.startsWith(`${critical}/`)) ? 'critical' : 'high';
}

export default defineCheck({
  id: 'pss/host-path-volumes',
  severity: 'high',
  side: 'chart',
  description: 'Pods mount no hostPath volume.',
  rationale: 'A hostPath volume exposes the node\'s file system to the container, so the container runtime socket, kubelet credentials or /etc on the node are one mount away, and writes persist on the node after the pod is gone. Pod Security Standards baseline forbids hostPath volumes. Mounts of the node\'s root, /etc, /proc, /sys, /dev, /boot, /root, /run, /var/run or the kubelet\'s and container runtimes\' state under /var/lib are rated critical.',
  remediation: 'Replace the hostPath volume with an emptyDir, a ConfigMap or Secret, or a PersistentVolumeClaim.',
  messages: {
    hostPath: 'Volume "{{volume}}" mounts the node\'s path {{hostPath}}.',
  },
  limitations: [
    'A hostPath PersistentVolume bound through a PersistentVolumeClaim is not seen here, because the pod only names the claim.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_hostPathVolumes.go',
  ],
  run(inventory) {
    const findings: FindingDraft<'hostPath'>[] = [];
    for (const workload of inventory.workloads) {
      list(workload.podSpec.volumes).forEach((volume, index) => {
        if (!isRecord(volume) || !isRecord(volume.hostPath)) return;
        const hostPath = text(record(volume.hostPath).path);
        const data = { volume: text(volume.name) ?? `#${index}`, hostPath: hostPath ?? '(no path)' };
        const severity = hostPath === undefined ? 'high' : severityOf(hostPath);
        findings.push({ messageId: 'hostPath', data, resource: workload.resource, path: [...workload.podSpecPath, 'volumes', index, 'hostPath'], severity });
      });
    }
    return findings;
  },
});
