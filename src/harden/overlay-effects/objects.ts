import { isRecord, type Json } from '../../model/access.js';

/** A Kubernetes object being edited by an overlay model: a deep copy of a loaded object. */
export type EditableObject = Json;

/** Returns the Helm release an object belongs to, from the labels the four backing charts set. */
export function releaseOf(object: EditableObject): string | undefined {
  const labels = mapAt(object, ['metadata', 'labels']);
  const release = labels['app.kubernetes.io/instance'] ?? labels.release;
  return typeof release === 'string' ? release : undefined;
}

/** Returns the record at `path`, creating empty records on the way and replacing anything else (a null included). */
export function mapAt(object: Json, path: readonly string[]): Json {
  let current = object;
  for (const key of path) {
    const next = current[key];
    if (isRecord(next)) {
      current = next;
    } else {
      const created: Json = {};
      current[key] = created;
      current = created;
    }
  }
  return current;
}

/** Returns the array at `path`, creating it when missing or of another type. */
export function arrayAt(object: Json, path: readonly string[]): unknown[] {
  const parent = mapAt(object, path.slice(0, -1));
  const key = path[path.length - 1];
  const value = parent[key];
  if (Array.isArray(value)) return value;
  const created: unknown[] = [];
  parent[key] = created;
  return created;
}

/**
 * Merges `source` into `target` as Helm's `mergeOverwrite` does, which the NATS chart uses for
 * its `merge` values: maps merge key by key, and any other value of `source` replaces the target's.
 */
export function mergeOverwrite(target: Json, source: Json): Json {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isRecord(value) && isRecord(existing)) mergeOverwrite(existing, value);
    else target[key] = structuredClone(value);
  }
  return target;
}

export function kindOf(object: EditableObject): string {
  return typeof object.kind === 'string' ? object.kind : '';
}

export function nameOf(object: EditableObject): string {
  const name = mapAt(object, ['metadata']).name;
  return typeof name === 'string' ? name : '';
}

/** Returns the pod template of a workload object, or undefined for other kinds. */
export function podTemplateOf(object: EditableObject): Json | undefined {
  const kind = kindOf(object);
  if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet' || kind === 'Job') return mapAt(object, ['spec', 'template']);
  if (kind === 'CronJob') return mapAt(object, ['spec', 'jobTemplate', 'spec', 'template']);
  return undefined;
}

export function containersOf(template: Json): Json[] {
  return arrayAt(template, ['spec', 'containers']).filter(isRecord);
}

/** Sets an env variable of a container, replacing an entry of the same name. */
export function setEnv(container: Json, name: string, value: string): void {
  const env = arrayAt(container, ['env']);
  const index = env.findIndex((entry) => isRecord(entry) && entry.name === name);
  const entry = { name, value };
  if (index >= 0) env[index] = entry;
  else env.push(entry);
}

/** Adds a volume to a pod template unless one of that name exists. */
export function addVolume(template: Json, volume: Json): void {
  const volumes = arrayAt(template, ['spec', 'volumes']);
  if (!volumes.some((entry) => isRecord(entry) && entry.name === volume.name)) volumes.push(volume);
}

/** Adds a volume mount to a container unless one at that path exists. */
export function addMount(container: Json, mount: Json): void {
  const mounts = arrayAt(container, ['volumeMounts']);
  if (!mounts.some((entry) => isRecord(entry) && entry.mountPath === mount.mountPath)) mounts.push(mount);
}

/** Reads a value of an overlay by dotted path segments. */
export function valueAt(values: Json, path: readonly string[]): unknown {
  let current: unknown = values;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}
