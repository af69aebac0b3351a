import { isRecord, list } from '../../model/access.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { podSecurityContext, podSecurityContextPath, removeFieldFix, shown } from './pod-security.js';

/**
 * Sysctls that are namespaced and isolated from other pods on the node, so baseline allows
 * them. The list grows with the policy version, with the first five since v1.0,
 * ip_local_reserved_ports since v1.27, the keepalive and fin_timeout settings since v1.29,
 * tcp_rmem and tcp_wmem since v1.32, tcp_slow_start_after_idle and tcp_notsent_lowat since v1.37.
 */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
]);

export default defineCheck({
  id: 'pss/sysctls',
  severity: 'high',
  side: 'chart',
  description: 'Pods set only sysctls from the safe set of Pod Security Standards baseline (policy v1.37).',
  rationale: 'Sysctls outside the safe set either are not namespaced, so they change the whole node, or can starve or disturb other pods on it, and some disable security mechanisms of the kernel. Baseline allows only sysctls that are namespaced and isolated per pod.',
  remediation: 'Remove the sysctl from spec.securityContext.sysctls, or set it on the nodes through their configuration if every pod there should share it.',
  messages: {
    unsafe: 'The pod sets sysctl {{sysctl}}, which is not in the safe set.',
  },
  limitations: [
    'Names are compared exactly, as Pod Security Admission does, so a name written with slashes (net/ipv4/tcp_syncookies) is reported even when it names a safe sysctl.',
    'The kubelet\'s --allowed-unsafe-sysctls setting on the nodes is not visible, so this check reports against the standard, not against what a node would run.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_sysctls.go',
  ],
  run(inventory) {
    const findings: FindingDraft<'unsafe'>[] = [];
    for (const workload of inventory.workloads) {
      list(podSecurityContext(workload).sysctls).forEach((sysctl, index) => {
        const name = isRecord(sysctl) ? shown(sysctl.name) : shown(sysctl);
        if (SAFE_SYSCTLS.has(name)) return;
        const path = podSecurityContextPath(workload, 'sysctls', index);
        findings.push({ messageId: 'unsafe', data: { sysctl: name }, resource: workload.resource, path: [...path, 'name'], fix: removeFieldFix(path) });
      });
    }
    return findings;
  },
});
