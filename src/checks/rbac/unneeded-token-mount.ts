import { text } from '../../model/access.js';
import { describeRef } from '../../model/resource.js';
import type { Workload } from '../../model/workloads.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { rbacIndex, type BindingInfo } from './policy.js';

export default defineCheck({
  id: 'rbac/unneeded-token-mount',
  severity: 'low',
  side: 'chart',
  description: 'Pods whose ServiceAccount is granted no role do not mount a ServiceAccount token.',
  rationale:
    'Kubernetes mounts a token for the pod\'s ServiceAccount unless automountServiceAccountToken is false. A workload that never calls the API gains nothing from it, but anyone who gets code running in the container can use it to call the API server, which widens whatever the default ServiceAccount is granted later.',
  remediation: 'Set automountServiceAccountToken: false in the pod template, or on the ServiceAccount so that every pod using it inherits the setting.',
  messages: {
    mounted: '{{workload}} mounts the token of ServiceAccount {{serviceAccount}}, which no RoleBinding or ClusterRoleBinding in the input grants anything.',
    forced: '{{workload}} sets automountServiceAccountToken: true for ServiceAccount {{serviceAccount}}, which no RoleBinding or ClusterRoleBinding in the input grants anything.',
  },
  limitations: [
    'Only bindings in the input are seen: a ServiceAccount bound by a RoleBinding or ClusterRoleBinding that lives elsewhere in the cluster is reported as unbound.',
    'A workload may call the API with no role at all (discovery, TokenReview of its own token); the check cannot see that.',
  ],
  references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  run(inventory) {
    const granted = grantedSubjects(rbacIndex(inventory).bindings);
    const findings: FindingDraft<'mounted' | 'forced'>[] = [];
    for (const workload of inventory.workloads) {
      const spec = workload.podSpec;
      // serviceAccount is the deprecated alias of serviceAccountName; the API server still reads it.
      const serviceAccount = text(spec.serviceAccountName) || text(spec.serviceAccount) || 'default';
      const podSetting = spec.automountServiceAccountToken;
      if (podSetting === false) continue;

      const account = inventory.find('ServiceAccount', workload.namespace, serviceAccount);
      // The pod's own setting wins over the ServiceAccount's.
      if (podSetting !== true && account && account.group === '' && account.body.automountServiceAccountToken === false) continue;
      if (isGranted(granted, workload.namespace, serviceAccount)) continue;

      const forced = podSetting === true;
      const path = forced ? [...workload.podSpecPath, 'automountServiceAccountToken'] : spec.serviceAccountName !== undefined ? [...workload.podSpecPath, 'serviceAccountName'] : workload.podSpecPath;
      findings.push({
        messageId: forced ? 'forced' : 'mounted',
        data: { workload: describeRef(workload.resource), serviceAccount: `${workload.namespace}/${serviceAccount}` },
        resource: workload.resource,
        path,
        fix: fixFor(workload, serviceAccount, account !== undefined && !forced),
      });
    }
    return findings;
  },
});

/** Collects, once, the ServiceAccounts (`namespace/name`) and groups that some binding names. */
function grantedSubjects(bindings: readonly BindingInfo[]): { serviceAccounts: Set<string>; groups: Set<string> } {
  const serviceAccounts = new Set<string>();
  const groups = new Set<string>();
  for (const binding of bindings) {
    for (const subject of binding.subjects) {
      if (subject.kind === 'ServiceAccount') serviceAccounts.add(`${subject.namespace}/${subject.name}`);
      else if (subject.kind === 'Group') groups.add(subject.name);
    }
  }
  return { serviceAccounts, groups };
}

/** True when some binding names the ServiceAccount, or a group that every ServiceAccount (of its namespace) is in. */
function isGranted(granted: ReturnType<typeof grantedSubjects>, namespace: string, name: string): boolean {
  if (granted.serviceAccounts.has(`${namespace}/${name}`)) return true;
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'].some((group) => granted.groups.has(group));
}

function fixFor(workload: Workload, serviceAccount: string, accountInInput: boolean): string {
  const onPod = `Set automountServiceAccountToken: false in the pod spec of ${describeRef(workload.resource)}`;
  if (!accountInInput) return `${onPod}.`;
  return `${onPod}, or on ServiceAccount ${workload.namespace}/${serviceAccount} so that every pod using it inherits it.`;
}
