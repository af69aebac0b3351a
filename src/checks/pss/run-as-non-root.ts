import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { containerSecurityContext, containerSecurityContextPath, podSecurityContext, podSecurityContextPath, setFieldFix, shown, usesUserNamespace } from './pod-security.js';

type MessageId = 'podNotTrue' | 'containerNotTrue' | 'unset';

export default defineCheck({
  id: 'pss/run-as-non-root',
  severity: 'medium',
  side: 'chart',
  description: 'Every container runs with runAsNonRoot: true, set on the container or inherited from the pod.',
  rationale: 'With runAsNonRoot: true the kubelet refuses to start a container whose user is UID 0, so an image that runs as root cannot slip through. Pod Security Standards restricted requires it for every container. Since policy v1.35 pods with hostUsers: false are exempt, because root in their user namespace is not root on the node.',
  remediation: 'Set securityContext.runAsNonRoot: true at the pod level (and a non-zero runAsUser if the image has no numeric non-root USER), and remove runAsNonRoot: false from containers.',
  messages: {
    podNotTrue: 'The pod sets securityContext.runAsNonRoot to {{value}}.',
    containerNotTrue: 'Container "{{container}}" sets securityContext.runAsNonRoot to {{value}}.',
    unset: 'Neither container "{{container}}" nor its pod sets securityContext.runAsNonRoot to true.',
  },
  limitations: [
    'The user an image runs as is not visible. A container reported here may in fact run as non-root, but nothing stops its image from running it as root.',
    'Values that a mutating admission webhook or a platform such as OpenShift injects at admission are not seen.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_runAsNonRoot.go',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const workload of inventory.workloads) {
      if (usesUserNamespace(workload)) continue;

      const podValue = podSecurityContext(workload).runAsNonRoot;
      const podSet = podValue !== undefined && podValue !== null;
      if (podSet && podValue !== true) {
        const path = podSecurityContextPath(workload, 'runAsNonRoot');
        findings.push({ messageId: 'podNotTrue', data: { value: shown(podValue) }, resource: workload.resource, path, fix: setFieldFix(path, 'true') });
      }

      for (const container of workload.containers) {
        const value = containerSecurityContext(container).runAsNonRoot;
        const path = containerSecurityContextPath(container, 'runAsNonRoot');
        if (value === undefined || value === null) {
          // The container inherits the pod's value, and a pod-level value other than true is reported once, above.
          if (podSet) continue;
          findings.push({ messageId: 'unset', data: { container: container.name }, resource: workload.resource, path, fix: setFieldFix(podSecurityContextPath(workload, 'runAsNonRoot'), 'true') });
          continue;
        }
        if (value === true) continue;
        findings.push({ messageId: 'containerNotTrue', data: { container: container.name, value: shown(value) }, resource: workload.resource, path, fix: setFieldFix(path, 'true') });
      }
    }
    return findings;
  },
});
