import { describeRef } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { describeGrantees, describeScope, grantsBroadly, ruleAllows, rulePath , roleRules, RULE_LIMITATIONS } from './policy.js';

const READ_VERBS = ['get', 'list', 'watch'] as const;
const MAX_LISTED_NAMES = 5;

export default defineCheck({
  id: 'rbac/secret-read',
  severity: 'high',
  side: 'chart',
  description: 'No Role or ClusterRole lets its subjects get, list or watch Secrets unless it names them with resourceNames.',
  rationale:
    'Reading Secrets yields database passwords, API tokens and the tokens of other ServiceAccounts. list and watch return every Secret of a namespace with its values, not only the names, so "read-only" access to Secrets is full access to the credentials they hold.',
  remediation: 'Drop get, list and watch on secrets from the rule; if a workload must read one Secret, grant get with resourceNames for that Secret only, or mount the Secret into the pod instead of reading it through the API.',
  messages: {
    read: '{{role}} lets {{verbs}} Secrets ({{names}}) {{scope}} through rules[{{rule}}]; {{grantees}}.',
  },
  limitations: RULE_LIMITATIONS,
  references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  run(inventory) {
    const findings: FindingDraft<'read'>[] = [];
    for (const { role, rule, bindings } of roleRules(inventory)) {
      const verbs = READ_VERBS.filter((verb) => ruleAllows(rule, { group: '', resource: 'secrets', verb }));
      if (verbs.length === 0) continue;
      const named = rule.resourceNames.length > 0;
      const shownNames = rule.resourceNames.slice(0, MAX_LISTED_NAMES).join(', ');
      const moreNames = rule.resourceNames.length - MAX_LISTED_NAMES;
      findings.push({
        messageId: 'read',
        data: {
          role: describeRef(role.resource),
          verbs: verbs.join(', '),
          names: named ? `only ${shownNames}${moreNames > 0 ? ` and ${moreNames} more` : ''}` : 'every Secret',
          scope: describeScope(role, bindings),
          rule: rule.index,
          grantees: describeGrantees(bindings),
        },
        resource: role.resource,
        path: rulePath(rule, 'verbs'),
        ...(grantsBroadly(bindings) ? { severity: 'critical' as const } : named ? { severity: 'medium' as const } : {}),
      });
    }
    return findings;
  },
});
