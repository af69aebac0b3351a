import { isRecord, list, record, stringMap, text, type Json } from './access.js';
import type { PathSegment, Resource } from './resource.js';

export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'] as const;

const POD_SPEC_PATHS: Record<string, PathSegment[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export type ContainerGroup = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerInfo {
  name: string;
  image: string;
  group: ContainerGroup;
  index: number;
  container: Json;
  /** Path of the container inside the workload's body. */
  path: PathSegment[];
}

/** Anything that makes Pods, with its pod template resolved. */
export interface Workload {
  resource: Resource;
  kind: string;
  name: string;
  namespace: string;
  /** Labels of the pods it makes (the pod template's, or the Pod's own). */
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  podSpec: Json;
  /** Path of the pod spec inside the body. */
  podSpecPath: PathSegment[];
  /** Path of the pod metadata inside the body. */
  podMetadataPath: PathSegment[];
  containers: ContainerInfo[];
  /** Pods in the input that this workload owns (shown as the workload, not on their own). */
  ownedPods: Resource[];
}

export function isWorkloadKind(kind: string): boolean {
  return kind in POD_SPEC_PATHS;
}

export function toWorkload(resource: Resource): Workload | undefined {
  const specPath = POD_SPEC_PATHS[resource.kind];
  if (!specPath || resource.group !== groupForWorkload(resource.kind)) return undefined;
  const metadataPath = [...specPath.slice(0, -1), 'metadata'];
  const podSpec = record(follow(resource.body, specPath));
  const podMetadata = resource.kind === 'Pod' ? record(resource.body.metadata) : record(follow(resource.body, metadataPath));

  const containers: ContainerInfo[] = [];
  for (const group of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    list(podSpec[group]).forEach((container, index) => {
      if (!isRecord(container)) return;
      containers.push({
        name: text(container.name) ?? `#${index}`,
        image: text(container.image) ?? '',
        group,
        index,
        container,
        path: [...specPath, group, index],
      });
    });
  }

  return {
    resource,
    kind: resource.kind,
    name: resource.name,
    namespace: resource.namespace ?? 'default',
    podLabels: stringMap(podMetadata.labels),
    podAnnotations: stringMap(podMetadata.annotations),
    podSpec,
    podSpecPath: specPath,
    podMetadataPath: resource.kind === 'Pod' ? ['metadata'] : metadataPath,
    containers,
    ownedPods: [],
  };
}

function groupForWorkload(kind: string): string {
  if (kind === 'Pod' || kind === 'ReplicationController') return '';
  if (kind === 'Job' || kind === 'CronJob') return 'batch';
  return 'apps';
}

function follow(value: unknown, path: PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (!isRecord(current)) return undefined;
    current = current[segment as string];
  }
  return current;
}

/** Finds the controller named by a Pod's or ReplicaSet's ownerReferences, if any. */
export function controllerOf(resource: Resource): { kind: string; name: string } | undefined {
  const references = list(record(resource.body.metadata).ownerReferences);
  for (const reference of references) {
    if (!isRecord(reference) || reference.controller !== true) continue;
    const kind = text(reference.kind);
    const name = text(reference.name);
    if (kind && name) return { kind, name };
  }
  return undefined;
}

/**
 * Returns the name and kind a workload is shown by, as np-guard's connlist names it. A Pod whose
 * controller is not in the input is shown as that controller, by the name and kind in its
 * ownerReferences (a ReplicaSet keeps its pod-template-hash suffix), so all Pods of one owner
 * share one name. connlist, flows, harden and its proof all name workloads this way.
 */
export function shownAs(workload: Workload): { name: string; kind: string } {
  if (workload.kind !== 'Pod') return { name: workload.name, kind: workload.kind };
  const owner = controllerOf(workload.resource) ?? firstOwner(workload.resource);
  // A static Pod's mirror is owned by its Node, which makes no Pods: such a Pod stands for itself.
  if (!owner || owner.kind === 'Node') return { name: workload.name, kind: 'Pod' };
  // np-guard shows an owner reference without a kind as a Pod named after the owner.
  return { name: owner.name, kind: owner.kind || 'Pod' };
}

function firstOwner(resource: Resource): { name: string; kind: string } | undefined {
  for (const reference of list(record(resource.body.metadata).ownerReferences)) {
    if (!isRecord(reference)) continue;
    const name = text(reference.name);
    if (name) return { name, kind: text(reference.kind) ?? '' };
  }
  return undefined;
}
