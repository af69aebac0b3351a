import { describe, expect, it } from 'vitest';
import { ruleAllows, type PolicyRule } from '../../../src/checks/rbac/policy.js';
import type { Finding } from '../../../src/checks/types.js';
import { auditFiles } from '../../support/audit.js';

/** Audits YAML given inline, as the CLI audits standard input. */
async function findingsOf(checkId: string, yaml: string): Promise<Finding[]> {
  const result = await auditFiles(['-'], { namespace: 'howso', readStdin: async () => yaml });
  return result.findings.filter((finding) => finding.checkId === checkId);
}

function rule(fields: Partial<PolicyRule>): PolicyRule {
  return { index: 0, apiGroups: [], resources: [], verbs: [], resourceNames: [], nonResourceURLs: [], ...fields };
}

function role(kind: 'Role' | 'ClusterRole', name: string, rules: string): string {
  const namespace = kind === 'Role' ? '\n  namespace: howso' : '';
  return `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}${namespace}\nrules:\n${rules}\n---\n`;
}

function binding(kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, roleRef: string, subjects: string): string {
  const namespace = kind === 'RoleBinding' ? '\n  namespace: howso' : '';
  return `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}${namespace}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n${roleRef}\nsubjects:\n${subjects}\n---\n`;
}

describe('ruleAllows', () => {
  const secretsGet = { group: '', resource: 'secrets', verb: 'get' };
  const execCreate = { group: '', resource: 'pods', subresource: 'exec', verb: 'create' };

  it.each([
    ['exact match', rule({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }), secretsGet, true],
    ['every verb', rule({ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }), secretsGet, true],
    ['every resource', rule({ apiGroups: [''], resources: ['*'], verbs: ['get'] }), secretsGet, true],
    ['every group', rule({ apiGroups: ['*'], resources: ['secrets'], verbs: ['get'] }), secretsGet, true],
    ['other group', rule({ apiGroups: ['apps'], resources: ['secrets'], verbs: ['get'] }), secretsGet, false],
    ['other verb', rule({ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }), secretsGet, false],
    ['subresource exactly', rule({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }), execCreate, true],
    ['subresource of every resource', rule({ apiGroups: [''], resources: ['*/exec'], verbs: ['create'] }), execCreate, true],
    ['every resource covers subresources', rule({ apiGroups: [''], resources: ['*'], verbs: ['create'] }), execCreate, true],
    ['pods/* is literal', rule({ apiGroups: [''], resources: ['pods/*'], verbs: ['create'] }), execCreate, false],
    ['parent resource only', rule({ apiGroups: [''], resources: ['pods'], verbs: ['create'] }), execCreate, false],
  ])('%s', (_, policyRule, request, expected) => {
    expect(ruleAllows(policyRule, request)).toBe(expected);
  });
});

describe('rbac/wildcard-rule', () => {
  it('full wildcard ClusterRole is critical', async () => {
    const yaml =
      role('ClusterRole', 'operator', '  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]') +
      binding('ClusterRoleBinding', 'operator', '  kind: ClusterRole\n  name: operator', '  - kind: ServiceAccount\n    name: operator\n    namespace: howso');
    const [finding] = await findingsOf('rbac/wildcard-rule', yaml);
    expect(finding.severity).toBe('critical');
    expect(finding.data.fields).toBe('verbs, resources, apiGroups');
    expect(finding.data.grantees).toBe('granted to ServiceAccount howso/operator (ClusterRoleBinding operator)');
    expect(finding.path).toBe('rules[0].verbs');
  });

  it('points at the resources field', async () => {
    const [finding] = await findingsOf('rbac/wildcard-rule', role('Role', 'scaler', '  - apiGroups: ["apps"]\n    resources: ["*/scale"]\n    verbs: ["update"]'));
    expect(finding.severity).toBe('high');
    expect(finding.data.fields).toBe('resources');
    expect(finding.path).toBe('rules[0].resources');
  });
});

describe('rbac/secret-read', () => {
  it('resourceNames rule is medium', async () => {
    const [finding] = await findingsOf('rbac/secret-read', role('Role', 'oidc-reader', '  - apiGroups: [""]\n    resources: ["secrets"]\n    resourceNames: ["platform-oidc"]\n    verbs: ["get"]'));
    expect(finding.severity).toBe('medium');
    expect(finding.data.names).toBe('only platform-oidc');
    expect(finding.data.verbs).toBe('get');
    expect(finding.data.scope).toBe('in namespace howso');
  });

  it('ClusterRole scope from RoleBindings', async () => {
    const yaml =
      role('ClusterRole', 'secret-lister', '  - apiGroups: [""]\n    resources: ["secrets"]\n    verbs: ["list", "watch"]') +
      binding('RoleBinding', 'secret-lister', '  kind: ClusterRole\n  name: secret-lister', '  - kind: ServiceAccount\n    name: platform-api');
    const [finding] = await findingsOf('rbac/secret-read', yaml);
    expect(finding.severity).toBe('high');
    expect(finding.data.verbs).toBe('list, watch');
    expect(finding.data.scope).toBe('in namespace howso');
    expect(finding.data.grantees).toBe('granted to ServiceAccount howso/platform-api (RoleBinding howso/secret-lister)');
  });

  it('critical for system:authenticated', async () => {
    const yaml =
      role('ClusterRole', 'secret-reader', '  - apiGroups: [""]\n    resources: ["secrets"]\n    verbs: ["get"]') +
      binding('ClusterRoleBinding', 'everyone', '  kind: ClusterRole\n  name: secret-reader', '  - kind: Group\n    name: system:authenticated\n    apiGroup: rbac.authorization.k8s.io');
    const [finding] = await findingsOf('rbac/secret-read', yaml);
    expect(finding.severity).toBe('critical');
    expect(finding.data.scope).toBe('in every namespace');
  });

  it('ignores Role binding elsewhere', async () => {
    const yaml =
      role('Role', 'reader', '  - apiGroups: [""]\n    resources: ["secrets"]\n    verbs: ["get"]') +
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader\n  namespace: other\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\nsubjects:\n  - kind: User\n    name: bob\n';
    const [finding] = await findingsOf('rbac/secret-read', yaml);
    expect(finding.data.grantees).toBe('no RoleBinding or ClusterRoleBinding in the input grants it');
  });
});

describe('rbac/escalation-verb', () => {
  it('lists each verb with the resources it reaches', async () => {
    const [finding] = await findingsOf('rbac/escalation-verb', role('ClusterRole', 'rbac-manager', '  - apiGroups: ["rbac.authorization.k8s.io"]\n    resources: ["clusterroles"]\n    verbs: ["bind", "get"]'));
    expect(finding.data.access).toBe('bind on clusterroles');
    expect(finding.path).toBe('rules[0].verbs');
  });

  it('counts impersonation granted through a wildcard verb', async () => {
    const [finding] = await findingsOf('rbac/escalation-verb', role('ClusterRole', 'identity', '  - apiGroups: [""]\n    resources: ["serviceaccounts"]\n    verbs: ["*"]'));
    expect(finding.data.access).toBe('impersonate on serviceaccounts');
  });
});

describe('rbac/pod-exec', () => {
  it('reports exec and attach with their verbs', async () => {
    const [finding] = await findingsOf('rbac/pod-exec', role('Role', 'debugger', '  - apiGroups: [""]\n    resources: ["pods/exec", "pods/attach"]\n    verbs: ["create", "get"]'));
    expect(finding.data.access).toBe('create, get on pods/exec and create, get on pods/attach');
    expect(finding.data.scope).toBe('in namespace howso');
  });

  it('reports get alone, which a WebSocket client needs', async () => {
    const [finding] = await findingsOf('rbac/pod-exec', role('Role', 'viewer', '  - apiGroups: [""]\n    resources: ["pods/exec"]\n    verbs: ["get"]'));
    expect(finding.data.access).toBe('get on pods/exec');
  });
});

describe('rbac/cluster-admin-binding', () => {
  it('lists at most five subjects', async () => {
    const subjects = Array.from({ length: 7 }, (_, index) => `  - kind: User\n    name: user${index}`).join('\n');
    const [finding] = await findingsOf('rbac/cluster-admin-binding', binding('ClusterRoleBinding', 'admins', '  kind: ClusterRole\n  name: cluster-admin', subjects));
    expect(finding.messageId).toBe('cluster');
    expect(finding.severity).toBe('critical');
    expect(finding.data.subjects).toBe('User user0, User user1, User user2, User user3, User user4 and 2 more');
    expect(finding.path).toBe('roleRef.name');
  });

  it('is high for a RoleBinding and names its namespace', async () => {
    const [finding] = await findingsOf('rbac/cluster-admin-binding', binding('RoleBinding', 'ns-admin', '  kind: ClusterRole\n  name: cluster-admin', '  - kind: ServiceAccount\n    name: operator'));
    expect(finding.messageId).toBe('namespace');
    expect(finding.severity).toBe('high');
    expect(finding.data.namespace).toBe('howso');
    expect(finding.data.subjects).toBe('ServiceAccount howso/operator');
  });
});

describe('rbac/unneeded-token-mount', () => {
  const deployment = (podSpec: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n${podSpec}      containers:\n        - name: api\n          image: api:1\n---\n`;
  const account = (automount: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n${automount}---\n`;

  it('names account and both fixes', async () => {
    const [finding] = await findingsOf('rbac/unneeded-token-mount', deployment('      serviceAccountName: api\n') + account(''));
    expect(finding.messageId).toBe('mounted');
    expect(finding.data).toEqual({ workload: 'Deployment howso/api', serviceAccount: 'howso/api' });
    expect(finding.path).toBe('spec.template.spec.serviceAccountName');
    expect(finding.remediation).toBe('Set automountServiceAccountToken: false in the pod spec of Deployment howso/api, or on ServiceAccount howso/api so that every pod using it inherits it.');
  });

  it('reads the deprecated serviceAccount field', async () => {
    const [finding] = await findingsOf('rbac/unneeded-token-mount', deployment('      serviceAccount: legacy\n'));
    expect(finding.data.serviceAccount).toBe('howso/legacy');
  });

  it('passes a ServiceAccount that turns the token off', async () => {
    expect(await findingsOf('rbac/unneeded-token-mount', deployment('      serviceAccountName: api\n') + account('automountServiceAccountToken: false\n'))).toEqual([]);
  });

  it('passes a ServiceAccount granted by a ClusterRoleBinding', async () => {
    const yaml =
      deployment('      serviceAccountName: api\n') +
      binding('ClusterRoleBinding', 'api', '  kind: ClusterRole\n  name: view', '  - kind: ServiceAccount\n    name: api\n    namespace: howso');
    expect(await findingsOf('rbac/unneeded-token-mount', yaml)).toEqual([]);
  });

  it('ignores binding in another namespace', async () => {
    const yaml =
      deployment('      serviceAccountName: api\n') +
      binding('ClusterRoleBinding', 'api', '  kind: ClusterRole\n  name: view', '  - kind: ServiceAccount\n    name: api\n    namespace: other');
    expect(await findingsOf('rbac/unneeded-token-mount', yaml)).toHaveLength(1);
  });
});
