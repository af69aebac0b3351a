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

// Fields of the pod-level securityContext that the checks read.
const POD_SECURITY_CONTEXT_FIELDS: Record<string, Expected> = {
  runAsNonRoot: 'boolean',
  runAsUser: 'integer',
  runAsGroup: 'integer',
  seccompProfile: 'object',
  seLinuxOptions: 'object',
  appArmorProfile: 'object',
  windowsOptions: 'object',
  sysctls: 'list',
  supplementalGroups: 'list',
};

const WINDOWS_OPTIONS_FIELDS: Record<string, Expected> = { hostProcess: 'boolean' };
const CAPABILITIES_FIELDS: Record<string, Expected> = { add: 'list', drop: 'list' };
const VOLUME_FIELDS: Record<string, Expected> = { hostPath: 'object', emptyDir: 'object', secret: 'object', configMap: 'object', persistentVolumeClaim: 'object', projected: 'object' };

const SECURITY_CONTEXT_FIELDS: Record<string, Expected> = {
  windowsOptions: 'object',
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
  limitations: ['Only metadata labels and annotations and the pod-spec, volume, securityContext, capabilities and windowsOptions fields that rampart\'s checks read are verified; the full schema is not.'],
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
      const podContext = workload.podSpec.securityContext;
      verify(podContext, POD_SECURITY_CONTEXT_FIELDS, [...workload.podSpecPath, 'securityContext'], workload.resource);
      if (isRecord(podContext)) verify(podContext.windowsOptions, WINDOWS_OPTIONS_FIELDS, [...workload.podSpecPath, 'securityContext', 'windowsOptions'], workload.resource);
      const volumes = workload.podSpec.volumes;
      if (Array.isArray(volumes)) volumes.forEach((volume, index) => verify(volume, VOLUME_FIELDS, [...workload.podSpecPath, 'volumes', index], workload.resource));
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
          if (isRecord(entry.securityContext)) {
            verify(entry.securityContext.capabilities, CAPABILITIES_FIELDS, [...path, 'securityContext', 'capabilities'], workload.resource);
            verify(entry.securityContext.windowsOptions, WINDOWS_OPTIONS_FIELDS, [...path, 'securityContext', 'windowsOptions'], workload.resource);
          }
        });
      }
    }
    return findings;
  },
});
