import { describeRef } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { describeGrantees, describeScope, grantsBroadly, ruleAllows, rulePath , roleRules, RULE_LIMITATIONS } from './policy.js';

const SUBRESOURCES = ['exec', 'attach'] as const;
// kubectl sends POST (verb create); a WebSocket client opens the same stream with GET (verb get).
const VERBS = ['create', 'get'] as const;

export default defineCheck({
  id: 'rbac/pod-exec',
  severity: 'high',
  side: 'chart',
  description: 'No Role or ClusterRole grants create or get on pods/exec or pods/attach.',
  rationale:
    'exec and attach run commands in, or take over the terminal of, a running container: whoever holds them reads that container\'s mounted Secrets and tokens and acts with its network access. The WebSocket form of exec needs only get, so a "read-only" get on pods/exec is enough.',
  remediation: 'Remove pods/exec and pods/attach from the rule; grant them only to people who debug, through a RoleBinding in one namespace, and never to a workload\'s ServiceAccount.',
  messages: {
    exec: '{{role}} grants {{access}} {{scope}} through rules[{{rule}}]; {{grantees}}.',
  },
  limitations: RULE_LIMITATIONS,
  references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
  run(inventory) {
    const findings: FindingDraft<'exec'>[] = [];
    for (const { role, rule, bindings } of roleRules(inventory)) {
      const access: string[] = [];
      for (const subresource of SUBRESOURCES) {
        const verbs = VERBS.filter((verb) => ruleAllows(rule, { group: '', resource: 'pods', subresource, verb }));
        if (verbs.length > 0) access.push(`${verbs.join(', ')} on pods/${subresource}`);
      }
      if (access.length === 0) continue;
      findings.push({
        messageId: 'exec',
        data: { role: describeRef(role.resource), access: access.join(' and '), scope: describeScope(role, bindings), rule: rule.index, grantees: describeGrantees(bindings) },
        resource: role.resource,
        path: rulePath(rule, 'verbs'),
        ...(grantsBroadly(bindings) ? { severity: 'critical' as const } : {}),
      });
    }
    return findings;
  },
});
