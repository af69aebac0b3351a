import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { containerSecurityContext, containerSecurityContextPath, podSecurityContext, podSecurityContextPath, presentRecord, setFieldFix, shown } from './pod-security.js';

/** Prefix of the AppArmor annotations that predate the appArmorProfile field (Kubernetes 1.30). */
const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const ALLOWED_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);

/** Tells whether an annotation value is allowed: empty, `runtime/default`, or a profile loaded on the node (`localhost/<name>`). */
function allowedAnnotationValue(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

type MessageId = 'podType' | 'containerType' | 'annotation';

export default defineCheck({
  id: 'pss/apparmor-profile',
  severity: 'high',
  side: 'chart',
  description: 'No pod or container disables or replaces the default AppArmor profile (appArmorProfile.type is RuntimeDefault or Localhost, and AppArmor annotations are runtime/default or localhost/*).',
  rationale: 'On nodes with AppArmor the container runtime confines containers with its default profile, and an Unconfined profile removes that layer and makes kernel-level escapes easier. Pod Security Standards baseline checks both the securityContext.appArmorProfile field and the older container.apparmor.security.beta.kubernetes.io annotations.',
  remediation: 'Remove the Unconfined profile, or set securityContext.appArmorProfile.type to RuntimeDefault (or Localhost with a profile loaded on the nodes) and remove AppArmor annotations set to unconfined.',
  messages: {
    podType: 'The pod sets securityContext.appArmorProfile.type to "{{type}}".',
    containerType: 'Container "{{container}}" sets securityContext.appArmorProfile.type to "{{type}}".',
    annotation: 'Annotation {{annotation}} sets the AppArmor profile of container "{{container}}" to "{{profile}}".',
  },
  limitations: [
    'Whether the nodes run AppArmor at all is not visible in manifests. On nodes without it these settings have no effect either way.',
    'Like Pod Security Admission, every annotation with the AppArmor prefix is checked, including one that names no container of the pod.',
  ],
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/check_appArmorProfile.go',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const workload of inventory.workloads) {
      const podProfile = presentRecord(podSecurityContext(workload).appArmorProfile);
      if (podProfile && !ALLOWED_TYPES.has(shown(podProfile.type))) {
        const path = podSecurityContextPath(workload, 'appArmorProfile', 'type');
        findings.push({ messageId: 'podType', data: { type: shown(podProfile.type) }, resource: workload.resource, path, fix: setFieldFix(path, 'RuntimeDefault') });
      }

      for (const container of workload.containers) {
        const profile = presentRecord(containerSecurityContext(container).appArmorProfile);
        if (!profile || ALLOWED_TYPES.has(shown(profile.type))) continue;
        const path = containerSecurityContextPath(container, 'appArmorProfile', 'type');
        findings.push({ messageId: 'containerType', data: { container: container.name, type: shown(profile.type) }, resource: workload.resource, path, fix: setFieldFix(path, 'RuntimeDefault') });
      }

      for (const [annotation, profile] of Object.entries(workload.podAnnotations)) {
        if (!annotation.startsWith(ANNOTATION_PREFIX) || allowedAnnotationValue(profile)) continue;
        const data = { annotation, container: annotation.slice(ANNOTATION_PREFIX.length), profile };
        const path = [...workload.podMetadataPath, 'annotations', annotation];
        findings.push({ messageId: 'annotation', data, resource: workload.resource, path, fix: `Set annotation ${annotation} to runtime/default, or remove it.` });
      }
    }
    return findings;
  },
});
