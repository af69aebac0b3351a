import { describeRef } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { describeGrantees, grantsBroadly, rulePath, type PolicyRule , roleRules } from './policy.js';

type WildcardField = 'verbs' | 'resources' | 'apiGroups' | 'nonResourceURLs';

export default defineCheck({
  id: 'rbac/wildcard-rule',
  severity: 'high',
  side: 'chart',
  description: 'Role and ClusterRole rules name their verbs, resources and API groups instead of using "*".',
  rationale:
    'A wildcard grants every verb, resource or API group, including those that custom resources add later, so a role written for one task quietly grows. A rule with "*" in verbs, resources and API groups is cluster-admin under another name.',
  remediation: 'Replace each "*" with the verbs, resources and API groups the workload really calls; `kubectl auth can-i --list --as=system:serviceaccount:NAMESPACE:NAME` shows what a ServiceAccount holds today.',
  messages: {
    wildcard: '{{role}} uses "*" in {{fields}} of rules[{{rule}}]; {{grantees}}.',
  },
  limitations: [
    'Rules that an aggregationRule adds at run time are not in the input, so an aggregated ClusterRole is judged by the rules it lists.',
    'Objects labelled kubernetes.io/bootstrapping=rbac-defaults are Kubernetes\' own and are skipped.',
  ],
  references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  run(inventory) {
    const findings: FindingDraft<'wildcard'>[] = [];
    for (const { role, rule, bindings } of roleRules(inventory)) {
      const fields = wildcardFields(rule);
      if (fields.length === 0) continue;
      const full = fields.includes('verbs') && fields.includes('resources') && fields.includes('apiGroups');
      findings.push({
        messageId: 'wildcard',
        data: { role: describeRef(role.resource), fields: fields.join(', '), rule: rule.index, grantees: describeGrantees(bindings) },
        resource: role.resource,
        path: rulePath(rule, fields[0]),
        ...((full && role.kind === 'ClusterRole') || grantsBroadly(bindings) ? { severity: 'critical' as const } : {}),
      });
    }
    return findings;
  },
});

/** Lists the rule fields with a wildcard: `*` itself, or `*` + `/sub` for a subresource of every resource. */
function wildcardFields(rule: PolicyRule): WildcardField[] {
  const fields: WildcardField[] = [];
  if (rule.verbs.includes('*')) fields.push('verbs');
  if (rule.resources.some((resource) => resource === '*' || resource.startsWith('*/'))) fields.push('resources');
  if (rule.apiGroups.includes('*')) fields.push('apiGroups');
  if (rule.nonResourceURLs.includes('*')) fields.push('nonResourceURLs');
  return fields;
}
