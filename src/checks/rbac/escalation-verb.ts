import { describeRef } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { describeGrantees, grantsBroadly, RBAC_GROUP, ruleAllows, rulePath, type AccessRequest , roleRules, RULE_LIMITATIONS } from './policy.js';

/** The requests that bypass RBAC's own escalation guard, or act as another identity. */
const ESCALATION_REQUESTS: AccessRequest[] = [
  { group: RBAC_GROUP, resource: 'roles', verb: 'escalate' },
  { group: RBAC_GROUP, resource: 'clusterroles', verb: 'escalate' },
  { group: RBAC_GROUP, resource: 'roles', verb: 'bind' },
  { group: RBAC_GROUP, resource: 'clusterroles', verb: 'bind' },
  { group: '', resource: 'users', verb: 'impersonate' },
  { group: '', resource: 'groups', verb: 'impersonate' },
  { group: '', resource: 'serviceaccounts', verb: 'impersonate' },
  { group: 'authentication.k8s.io', resource: 'uids', verb: 'impersonate' },
];

export default defineCheck({
  id: 'rbac/escalation-verb',
  severity: 'high',
  side: 'chart',
  description: 'No Role or ClusterRole grants escalate or bind on roles, or impersonate on users, groups or ServiceAccounts.',
  rationale:
    'The API server refuses to let anyone create a role or binding with more permissions than they hold; escalate lifts that guard for roles and bind lifts it for bindings, so either one leads to cluster-admin. impersonate lets a subject act as any user, group or ServiceAccount, including system:masters.',
  remediation: 'Remove escalate, bind and impersonate from the rule; if an operator must manage RBAC, give it bind with resourceNames for the exact roles it hands out.',
  messages: {
    escalation: '{{role}} grants {{access}} through rules[{{rule}}]; {{grantees}}.',
  },
  limitations: RULE_LIMITATIONS,
  references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  run(inventory) {
    const findings: FindingDraft<'escalation'>[] = [];
    for (const { role, rule, bindings } of roleRules(inventory)) {
      const granted = new Map<string, string[]>();
      for (const request of ESCALATION_REQUESTS) {
        if (!ruleAllows(rule, request)) continue;
        const resources = granted.get(request.verb) ?? [];
        resources.push(request.resource);
        granted.set(request.verb, resources);
      }
      if (granted.size === 0) continue;
      const access = [...granted].map(([verb, resources]) => `${verb} on ${resources.join(', ')}`).join('; ');
      findings.push({
        messageId: 'escalation',
        data: { role: describeRef(role.resource), access, rule: rule.index, grantees: describeGrantees(bindings) },
        resource: role.resource,
        path: rulePath(rule, 'verbs'),
        ...(grantsBroadly(bindings) ? { severity: 'critical' as const } : {}),
      });
    }
    return findings;
  },
});
