import { describeRef } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { describeSubjects, rbacIndex } from './policy.js';

export default defineCheck({
  id: 'rbac/cluster-admin-binding',
  severity: 'critical',
  side: 'chart',
  description: 'No RoleBinding or ClusterRoleBinding in the install grants the cluster-admin ClusterRole.',
  rationale:
    'cluster-admin allows every verb on every resource. Through a ClusterRoleBinding that covers the whole cluster; through a RoleBinding it still covers every object of the namespace, Secrets and RBAC included. A workload bound to it turns any flaw in that workload into control of the cluster or namespace.',
  remediation: 'Replace the binding with one to a role that lists only the verbs and resources the subject uses, and prefer a RoleBinding in one namespace to a ClusterRoleBinding.',
  messages: {
    cluster: '{{binding}} grants cluster-admin across the cluster to {{subjects}}.',
    namespace: '{{binding}} grants cluster-admin in namespace {{namespace}} to {{subjects}}.',
  },
  limitations: ['The built-in cluster-admin ClusterRoleBinding (labelled kubernetes.io/bootstrapping=rbac-defaults) is skipped; it binds group system:masters.'],
  references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  run(inventory) {
    const findings: FindingDraft<'cluster' | 'namespace'>[] = [];
    for (const binding of rbacIndex(inventory).bindings) {
      if (binding.roleRef.kind !== 'ClusterRole' || binding.roleRef.name !== 'cluster-admin') continue;
      const subjects = describeSubjects(binding.subjects);
      if (binding.kind === 'ClusterRoleBinding') {
        findings.push({ messageId: 'cluster', data: { binding: describeRef(binding.resource), subjects }, resource: binding.resource, path: ['roleRef', 'name'] });
      } else {
        findings.push({
          messageId: 'namespace',
          data: { binding: describeRef(binding.resource), namespace: binding.resource.namespace ?? 'default', subjects },
          resource: binding.resource,
          path: ['roleRef', 'name'],
          severity: 'high',
        });
      }
    }
    return findings;
  },
});
