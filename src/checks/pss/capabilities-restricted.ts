import { list, record } from '../../model/access.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { BASELINE_CAPABILITIES } from './capabilities-baseline.js';
import { containerSecurityContext, containerSecurityContextPath, isWindowsPod, removeFieldFix, setFieldFix, shown } from './pod-security.js';

type MessageId = 'missingDropAll' | 'added';

/** Renders the drop list for a message, shortened after four entries because some charts list dozens. */
function describeDropped(dropped: string[]): string {
  if (dropped.length === 0) return 'unset';
  const shownEntries = dropped.slice(0, 4).join(', ');
  return dropped.length > 4 ? `[${shownEntries}, … ${dropped.length - 4} more]` : `[${shownEntries}]`;
}

export default defineCheck({
  id: 'pss/capabilities-restricted',
  severity: 'medium',
  side: 'chart',
  description: 'Every container drops ALL capabilities and adds back at most NET_BIND_SERVICE (Windows pods excepted).',
  rationale: 'Container runtimes grant a default set of capabilities (CHOWN, DAC_OVERRIDE, SETUID, KILL and others) that most services never use and that help an attacker after a compromise. Pod Security Standards restricted requires dropping ALL and allows adding only NET_BIND_SERVICE. Since policy v1.25 pods with spec.os.name: windows are exempt.',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container and remove every added capability except NET_BIND_SERVICE.',
  messages: {
    missingDropAll: 'Container "{{container}}" does not drop ALL capabilities (securityContext.capabilities.drop: {{dropped}}).',
    added: 'Container "{{container}}" adds capability {{capability}}. Restricted allows adding only NET_BIND_SERVICE.',
  },
  limitations: [
    'Added capabilities outside the baseline set are reported by pss/capabilities-baseline, not again here.',
    'Windows pods are exempt here, but pss/capabilities-baseline still reports a Windows pod that adds NET_RAW. Pod Security Admission at the restricted level replaces the baseline rule with this one and would admit such a pod.',
    'ALL is matched exactly, as Pod Security Admission does, so a lowercase all is reported.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_capabilities_restricted.go',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const workload of inventory.workloads) {
      if (isWindowsPod(workload)) continue;
      for (const container of workload.containers) {
        const capabilities = record(containerSecurityContext(container).capabilities);

        const dropped = list(capabilities.drop).map(shown);
        if (!dropped.includes('ALL')) {
          const path = containerSecurityContextPath(container, 'capabilities', 'drop');
          const data = { container: container.name, dropped: describeDropped(dropped) };
          findings.push({ messageId: 'missingDropAll', data, resource: workload.resource, path, fix: setFieldFix(path, '["ALL"]') });
        }

        list(capabilities.add).forEach((capability, index) => {
          const name = shown(capability);
          // Capabilities outside the baseline set are pss/capabilities-baseline's finding.
          if (name === 'NET_BIND_SERVICE' || !BASELINE_CAPABILITIES.has(name)) return;
          const path = containerSecurityContextPath(container, 'capabilities', 'add', index);
          findings.push({ messageId: 'added', data: { container: container.name, capability: name }, resource: workload.resource, path, fix: removeFieldFix(path) });
        });
      }
    }
    return findings;
  },
});
