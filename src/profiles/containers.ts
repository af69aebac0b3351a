import { isRecord, list, record, text } from '../model/access.js';
import type { Inventory } from '../model/inventory.js';
import type { ContainerInfo, Workload } from '../model/workloads.js';

/** Finds the literal value of an env variable in any container of the workload, with the container. */
export function envValue(workload: Workload, name: string): { value: string; container: ContainerInfo } | undefined {
  for (const container of workload.containers) {
    for (const entry of list(container.container.env)) {
      if (isRecord(entry) && entry.name === name && typeof entry.value === 'string') return { value: entry.value, container };
    }
  }
  return undefined;
}

/** Strips registry, tag and digest from an image reference: `docker.io/bitnami/postgresql:17` → `bitnami/postgresql`. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastColon = withoutDigest.lastIndexOf(':');
  const withoutTag = lastColon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, lastColon) : withoutDigest;
  const parts = withoutTag.split('/');
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) parts.shift();
  return parts.join('/');
}

export function hasImage(workload: Workload, pattern: RegExp): boolean {
  return workload.containers.some((container) => container.group === 'containers' && pattern.test(imageRepository(container.image)));
}

export function appName(workload: Workload): string | undefined {
  return workload.podLabels['app.kubernetes.io/name'] ?? workload.resource.labels['app.kubernetes.io/name'];
}

/** Lists the container ports of the workload's main containers. */
export function containerPorts(workload: Workload): { name?: string; port: number; protocol: string }[] {
  const ports: { name?: string; port: number; protocol: string }[] = [];
  for (const container of workload.containers) {
    if (container.group !== 'containers') continue;
    for (const entry of list(container.container.ports)) {
      if (!isRecord(entry) || typeof entry.containerPort !== 'number') continue;
      const port: { name?: string; port: number; protocol: string } = { port: entry.containerPort, protocol: text(entry.protocol) ?? 'TCP' };
      if (typeof entry.name === 'string') port.name = entry.name;
      ports.push(port);
    }
  }
  return ports;
}

/** Collects the text of the ConfigMaps the workload mounts or reads env from, by ConfigMap name and key. */
export function configMapTexts(workload: Workload, inventory: Inventory): { configMap: string; key: string; value: string }[] {
  const names = new Set<string>();
  for (const volume of list(workload.podSpec.volumes)) {
    const name = text(record(record(volume).configMap).name);
    if (name) names.add(name);
    for (const source of list(record(record(volume).projected).sources)) {
      const projected = text(record(record(source).configMap).name);
      if (projected) names.add(projected);
    }
  }
  for (const container of workload.containers) {
    for (const entry of list(container.container.envFrom)) {
      const name = text(record(record(entry).configMapRef).name);
      if (name) names.add(name);
    }
    for (const entry of list(container.container.env)) {
      const name = text(record(record(record(entry).valueFrom).configMapKeyRef).name);
      if (name) names.add(name);
    }
  }
  const texts: { configMap: string; key: string; value: string }[] = [];
  for (const name of names) {
    const configMap = inventory.find('ConfigMap', workload.namespace, name);
    if (!configMap) continue;
    for (const [key, value] of Object.entries(record(configMap.body.data))) {
      if (typeof value === 'string') texts.push({ configMap: name, key, value });
    }
  }
  return texts;
}

/** Lists the mount paths of Secret volumes in the main containers, by secret name. */
export function secretMounts(workload: Workload): { secretName: string; mountPath: string }[] {
  const secretByVolume = new Map<string, string>();
  for (const volume of list(workload.podSpec.volumes)) {
    const name = text(record(volume).name);
    const secretName = text(record(record(volume).secret).secretName);
    if (name && secretName) secretByVolume.set(name, secretName);
    for (const source of list(record(record(volume).projected).sources)) {
      const projected = text(record(record(source).secret).name);
      if (name && projected) secretByVolume.set(name, projected);
    }
  }
  const mounts: { secretName: string; mountPath: string }[] = [];
  for (const container of workload.containers) {
    if (container.group !== 'containers') continue;
    for (const mount of list(container.container.volumeMounts)) {
      const volume = text(record(mount).name);
      const mountPath = text(record(mount).mountPath);
      const secretName = volume ? secretByVolume.get(volume) : undefined;
      if (secretName && mountPath) mounts.push({ secretName, mountPath });
    }
  }
  return mounts;
}
