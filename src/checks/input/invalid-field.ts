import { isRecord } from '../../model/access.js';
import { formatPath, type PathSegment } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';

type Expected = 'boolean' | 'integer' | 'string' | 'list' | 'object';

// Security fields of a pod spec that the checks read, with the type the API server requires.
// A value of another type is rejected at apply time, but a check reading it would see "unset"
// and pass, so the mismatch is reported instead.
const POD_FIELDS: Record<string, Expected> = {
  hostNetwork: 'boolean',
  hostPID: 'boolean',
  hostIPC: 'boolean',
  hostUsers: 'boolean',
  automountServiceAccountToken: 'boolean',
  containers: 'list',
  initContainers: 'list',
  ephemeralContainers: 'list',
  volumes: 'list',
  securityContext: 'object',
};

const SECURITY_CONTEXT_FIELDS: Record<string, Expected> = {
  privileged: 'boolean',
  allowPrivilegeEscalation: 'boolean',
  runAsNonRoot: 'boolean',
  readOnlyRootFilesystem: 'boolean',
  runAsUser: 'integer',
  runAsGroup: 'integer',
  capabilities: 'object',
  seccompProfile: 'object',
  seLinuxOptions: 'object',
  appArmorProfile: 'object',
  procMount: 'string',
};

function follow(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) current = isRecord(current) ? current[segment as string] : undefined;
  return current;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}

export default defineCheck({
  id: 'input/invalid-field',
  severity: 'high',
  side: 'shared',
  description: 'Labels, annotations and the security fields of every pod template have the type the Kubernetes API requires.',
  rationale: 'A field of the wrong type (privileged: "true", containers: "x") is rejected by the API server, and a check that reads it would take it as unset and pass, so the audit would say nothing about what was meant.',
  remediation: 'Write the field with the type the API requires, for example privileged: true without quotes, and audit again.',
  messages: { wrongType: '{{field}} is {{actual}}, but the API requires {{expected}}.' },
  limitations: ['Only metadata labels and annotations and the pod-spec and securityContext fields that rampart\'s checks read are verified; the full schema is not.'],
  run(inventory) {
    const findings: FindingDraft<'wrongType'>[] = [];
    const verify = (value: unknown, fields: Record<string, Expected>, base: PathSegment[], resource: FindingDraft['resource']) => {
      if (!isRecord(value)) return;
      for (const [field, expected] of Object.entries(fields)) {
        const actual = value[field];
        if (actual === undefined || actual === null || typeOf(actual) === expected) continue;
        const path = [...base, field];
        findings.push({ messageId: 'wrongType', data: { field: formatPath(path), actual: typeOf(actual), expected }, ...(resource ? { resource } : {}), path });
      }
    };
    for (const resource of inventory.resources) {
      verify(resource.body.metadata, { labels: 'object', annotations: 'object' }, ['metadata'], resource);
    }
    for (const workload of inventory.workloads) {
      if (workload.kind !== 'Pod') verify(follow(workload.resource.body, workload.podMetadataPath.slice(0, -1)), { metadata: 'object' }, workload.podMetadataPath.slice(0, -1), workload.resource);
      verify(follow(workload.resource.body, workload.podMetadataPath), { labels: 'object', annotations: 'object' }, workload.podMetadataPath, workload.resource);
      verify(workload.podSpec, POD_FIELDS, workload.podSpecPath, workload.resource);
      verify(workload.podSpec.securityContext, { runAsNonRoot: 'boolean', runAsUser: 'integer', seccompProfile: 'object' }, [...workload.podSpecPath, 'securityContext'], workload.resource);
      for (const group of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
        const entries = workload.podSpec[group];
        if (!Array.isArray(entries)) continue;
        entries.forEach((entry, index) => {
          const path = [...workload.podSpecPath, group, index];
          if (!isRecord(entry)) {
            findings.push({ messageId: 'wrongType', data: { field: formatPath(path), actual: typeOf(entry), expected: 'object' }, resource: workload.resource, path });
            return;
          }
          if (entry.securityContext !== undefined && !isRecord(entry.securityContext)) {
            findings.push({ messageId: 'wrongType', data: { field: formatPath([...path, 'securityContext']), actual: typeOf(entry.securityContext), expected: 'object' }, resource: workload.resource, path: [...path, 'securityContext'] });
          }
          verify(entry.securityContext, SECURITY_CONTEXT_FIELDS, [...path, 'securityContext'], workload.resource);
        });
      }
    }
    return findings;
  },
});
