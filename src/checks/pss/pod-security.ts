// Field readers shared by the Pod Security Standards checks. They follow the checks of
// Kubernetes' Pod Security Admission (k8s.io/pod-security-admission/policy, policy version
// v1.37), which read the pod spec as the API server stores it. Every reader tolerates
// fields of the wrong type, because rampart reads manifests before any API validation.

import { isRecord, record, text, type Json } from '../../model/access.js';
import { formatPath, type PathSegment } from '../../model/resource.js';
import type { ContainerInfo, Workload } from '../../model/workloads.js';

/** A Pod Security Standards level that restricts something. Restricted includes every baseline rule. */
export type PssLevel = 'baseline' | 'restricted';

/** Seccomp profile types that keep a system call filter in place. */
export const ALLOWED_SECCOMP_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);

/** Returns the pod-level `securityContext`, or an empty object when it is missing or not a mapping. */
export function podSecurityContext(workload: Workload): Json {
  return record(workload.podSpec.securityContext);
}

/** Path of a field of the pod-level `securityContext` inside the workload. */
export function podSecurityContextPath(workload: Workload, ...fields: PathSegment[]): PathSegment[] {
  return [...workload.podSpecPath, 'securityContext', ...fields];
}

/** Returns the container's `securityContext`, or an empty object when it is missing or not a mapping. */
export function containerSecurityContext(container: ContainerInfo): Json {
  return record(container.container.securityContext);
}

/** Path of a field of the container's `securityContext` inside the workload. */
export function containerSecurityContextPath(container: ContainerInfo, ...fields: PathSegment[]): PathSegment[] {
  return [...container.path, 'securityContext', ...fields];
}

/**
 * True for a pod with `spec.os.name: windows`. Since policy v1.25 the restricted checks for
 * privilege escalation, seccomp and capabilities admit such pods unchecked, because the API
 * server rejects those Linux-only fields on Windows pods.
 */
export function isWindowsPod(workload: Workload): boolean {
  return text(record(workload.podSpec.os).name) === 'windows';
}

/**
 * True for a pod with `spec.hostUsers: false`, which runs in its own user namespace. Since
 * policy v1.35 baseline relaxes procMount for such pods and restricted relaxes runAsNonRoot
 * and runAsUser, because root inside the namespace maps to an unprivileged user on the node.
 */
export function usesUserNamespace(workload: Workload): boolean {
  return workload.podSpec.hostUsers === false;
}

/**
 * Returns the value when it is a mapping, which the API server treats as set, and undefined for
 * `null`, an absent field or another type. Pod Security Admission checks `seLinuxOptions: {}` as
 * set with every member empty.
 */
export function presentRecord(value: unknown): Json | undefined {
  return isRecord(value) ? value : undefined;
}

/** Renders a value read from the input for a message. Strings appear as written, other values as JSON. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'unset';
  return JSON.stringify(value) ?? String(value);
}

/** Builds a fix that sets one field, such as `Set spec.containers[0].securityContext.privileged to false.` */
export function setFieldFix(path: readonly PathSegment[], value: string): string {
  return `Set ${formatPath(path)} to ${value}.`;
}

/** Builds a fix that removes one field or list entry. */
export function removeFieldFix(path: readonly PathSegment[]): string {
  return `Remove ${formatPath(path)}.`;
}

/** Lists the containers that request a /proc other than the default masked one, with the requested value. */
export function unmaskedProcMounts(workload: Workload): { container: ContainerInfo; procMount: string }[] {
  const found: { container: ContainerInfo; procMount: string }[] = [];
  for (const container of workload.containers) {
    const procMount = containerSecurityContext(container).procMount;
    if (procMount === undefined || procMount === null || procMount === 'Default') continue;
    found.push({ container, procMount: shown(procMount) });
  }
  return found;
}
