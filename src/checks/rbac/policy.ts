import { isRecord, list, record, text } from '../../model/access.js';
import type { Inventory } from '../../model/inventory.js';
import { describeRef, type PathSegment, type Resource } from '../../model/resource.js';

// Roles, bindings and rule matching shared by the rbac checks. Not a check itself.

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** One entry of a Role's or ClusterRole's `rules`, with every list read as strings only. */
export interface PolicyRule {
  index: number;
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface RoleInfo {
  resource: Resource;
  kind: 'Role' | 'ClusterRole';
  rules: PolicyRule[];
}

export interface Subject {
  kind: string;
  name: string;
  /** For a ServiceAccount: its namespace, defaulted to the RoleBinding's own as the API server does. */
  namespace?: string;
}

export interface BindingInfo {
  resource: Resource;
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  roleRef: { kind: string; name: string };
  subjects: Subject[];
}

export interface RbacIndex {
  roles: RoleInfo[];
  bindings: BindingInfo[];
  /** Bindings in the input that grant this role. */
  bindingsOf(role: RoleInfo): BindingInfo[];
}

/** A request as the RBAC authorizer sees it: API group, resource with optional subresource, and verb. */
export interface AccessRequest {
  group: string;
  resource: string;
  subresource?: string;
  verb: string;
}

/** Groups that take in every caller, every authenticated user or every service account. */
const BROAD_GROUPS = new Set(['system:unauthenticated', 'system:authenticated', 'system:serviceaccounts']);
const MAX_LISTED_SUBJECTS = 5;

const indexCache = new WeakMap<Inventory, RbacIndex>();

/** Builds (once per Inventory) the roles and bindings of the input, leaving out Kubernetes' own defaults. */
export function rbacIndex(inventory: Inventory): RbacIndex {
  const cached = indexCache.get(inventory);
  if (cached) return cached;

  const roles: RoleInfo[] = [];
  for (const kind of ['Role', 'ClusterRole'] as const) {
    for (const resource of inventory.ofKind(kind, RBAC_GROUP)) {
      if (isBootstrapDefault(resource)) continue;
      roles.push({ resource, kind, rules: readRules(resource.body.rules) });
    }
  }

  const bindings: BindingInfo[] = [];
  for (const kind of ['RoleBinding', 'ClusterRoleBinding'] as const) {
    for (const resource of inventory.ofKind(kind, RBAC_GROUP)) {
      if (isBootstrapDefault(resource)) continue;
      const binding = readBinding(resource, kind);
      if (binding) bindings.push(binding);
    }
  }

  const bindingsByRole = new Map<string, BindingInfo[]>();
  for (const binding of bindings) {
    // A RoleBinding can grant a Role of its own namespace or any ClusterRole; a ClusterRoleBinding only a ClusterRole.
    const namespace = binding.roleRef.kind === 'Role' ? binding.resource.namespace ?? 'default' : '';
    if (binding.kind === 'ClusterRoleBinding' && binding.roleRef.kind !== 'ClusterRole') continue;
    const key = `${binding.roleRef.kind}/${namespace}/${binding.roleRef.name}`;
    const bucket = bindingsByRole.get(key);
    if (bucket) bucket.push(binding);
    else bindingsByRole.set(key, [binding]);
  }

  const index: RbacIndex = {
    roles,
    bindings,
    bindingsOf: (role) => {
      const namespace = role.kind === 'Role' ? role.resource.namespace ?? 'default' : '';
      return bindingsByRole.get(`${role.kind}/${namespace}/${role.resource.name}`) ?? [];
    },
  };
  indexCache.set(inventory, index);
  return index;
}

/**
 * Objects the API server creates and reconciles itself carry this label; reporting them would
 * flag `cluster-admin` and the `system:` roles in every `--cluster` audit.
 */
function isBootstrapDefault(resource: Resource): boolean {
  return resource.labels['kubernetes.io/bootstrapping'] === 'rbac-defaults';
}

function readRules(value: unknown): PolicyRule[] {
  const rules: PolicyRule[] = [];
  list(value).forEach((entry, index) => {
    if (!isRecord(entry)) return;
    rules.push({
      index,
      apiGroups: strings(entry.apiGroups),
      resources: strings(entry.resources),
      verbs: strings(entry.verbs),
      resourceNames: strings(entry.resourceNames),
      nonResourceURLs: strings(entry.nonResourceURLs),
    });
  });
  return rules;
}

function readBinding(resource: Resource, kind: BindingInfo['kind']): BindingInfo | undefined {
  const roleRef = record(resource.body.roleRef);
  const refKind = text(roleRef.kind);
  const refName = text(roleRef.name);
  if (!refKind || !refName) return undefined;

  const subjects: Subject[] = [];
  for (const entry of list(resource.body.subjects)) {
    if (!isRecord(entry)) continue;
    const subjectKind = text(entry.kind);
    const name = text(entry.name);
    if (!subjectKind || !name) continue;
    const subject: Subject = { kind: subjectKind, name };
    const namespace = text(entry.namespace) ?? (subjectKind === 'ServiceAccount' && kind === 'RoleBinding' ? resource.namespace ?? 'default' : undefined);
    if (namespace) subject.namespace = namespace;
    subjects.push(subject);
  }
  return { resource, kind, roleRef: { kind: refKind, name: refName }, subjects };
}

function strings(value: unknown): string[] {
  return list(value).filter((entry): entry is string => typeof entry === 'string');
}

/**
 * Tells whether a rule grants a request, matching as the Kubernetes RBAC authorizer does
 * (pkg/apis/rbac/v1/evaluation_helpers.go): `*` matches every verb, group and resource, and a
 * resource written as `*` + `/exec` matches the exec subresource of any resource. The authorizer
 * compares `pods/*` literally, so it grants no real subresource.
 */
export function ruleAllows(rule: PolicyRule, request: AccessRequest): boolean {
  if (!rule.verbs.some((verb) => verb === '*' || verb === request.verb)) return false;
  if (!rule.apiGroups.some((group) => group === '*' || group === request.group)) return false;
  const combined = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  return rule.resources.some((resource) => resource === '*' || resource === combined || (request.subresource !== undefined && resource === `*/${request.subresource}`));
}

export function describeSubject(subject: Subject): string {
  if (subject.kind === 'ServiceAccount') return `ServiceAccount ${subject.namespace ?? '?'}/${subject.name}`;
  return `${subject.kind} ${subject.name}`;
}

/** Lists who a set of bindings grants a role to, for messages: `ServiceAccount howso/op (ClusterRoleBinding op)`. */
export function describeGrantees(bindings: readonly BindingInfo[]): string {
  if (bindings.length === 0) return 'no RoleBinding or ClusterRoleBinding in the input grants it';
  const entries: string[] = [];
  for (const binding of bindings) {
    const via = describeRef(binding.resource);
    if (binding.subjects.length === 0) entries.push(`nobody (${via} has no subjects)`);
    for (const subject of binding.subjects) entries.push(`${describeSubject(subject)} (${via})`);
  }
  const listed = entries.slice(0, MAX_LISTED_SUBJECTS);
  const more = entries.length - listed.length;
  return `granted to ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** Lists the subjects of one binding: `ServiceAccount howso/op, Group ops`. */
export function describeSubjects(subjects: readonly Subject[]): string {
  if (subjects.length === 0) return 'no subjects';
  const listed = subjects.slice(0, MAX_LISTED_SUBJECTS).map(describeSubject);
  const more = subjects.length - listed.length;
  return `${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** True when a binding includes every caller, every authenticated user or every service account. */
export function grantsBroadly(bindings: readonly BindingInfo[]): boolean {
  return bindings.some((binding) =>
    binding.subjects.some((subject) => (subject.kind === 'Group' && BROAD_GROUPS.has(subject.name)) || (subject.kind === 'User' && subject.name === 'system:anonymous')),
  );
}

/** Where a role's rules apply: its own namespace for a Role, and for a ClusterRole the namespaces its bindings give. */
export function describeScope(role: RoleInfo, bindings: readonly BindingInfo[]): string {
  if (role.kind === 'Role') return `in namespace ${role.resource.namespace ?? 'default'}`;
  if (bindings.some((binding) => binding.kind === 'ClusterRoleBinding')) return 'in every namespace';
  const namespaces = [...new Set(bindings.map((binding) => binding.resource.namespace ?? 'default'))].sort();
  if (namespaces.length === 0) return 'wherever it is granted';
  return `in namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')}`;
}

/** Path of a rule field inside the role, for findings. */
export function rulePath(rule: PolicyRule, field: 'verbs' | 'resources' | 'apiGroups' | 'nonResourceURLs' | 'resourceNames'): PathSegment[] {
  return ['rules', rule.index, field];
}

/** Limits shared by the checks that read role rules. */
export const RULE_LIMITATIONS = [
  'Rules that an aggregationRule adds at run time are not in the input.',
  "Objects labelled kubernetes.io/bootstrapping=rbac-defaults are Kubernetes' own and are skipped.",
];

/** Lists every rule of every Role and ClusterRole in the input, with the bindings of its role. */
export function roleRules(inventory: Inventory): { role: RoleInfo; rule: RoleInfo['rules'][number]; bindings: BindingInfo[] }[] {
  const index = rbacIndex(inventory);
  return index.roles.flatMap((role) => {
    const bindings = index.bindingsOf(role);
    return role.rules.map((rule) => ({ role, rule, bindings }));
  });
}
