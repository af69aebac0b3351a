import { isRecord } from '../model/access.js';
import type { Inventory } from '../model/inventory.js';
import type { Workload } from '../model/workloads.js';

// Facts about the platform from its public installation examples: release names, the Services
// its charts render, and the values keys its published values files use.

export const PLATFORM_NAMESPACE = 'howso';

export interface PlatformComponent {
  /** Name of the Deployment and Service. */
  name: string;
  /** Value of the app.kubernetes.io/component label. */
  component: string;
  /** Subdomain of `domain` its Ingress serves, and the values key that renames it. */
  subdomain?: { name: string; key: string };
}

export const PLATFORM_COMPONENTS: readonly PlatformComponent[] = [
  { name: 'platform-ui-v2', component: 'platform-ui', subdomain: { name: 'www', key: 'ui2.subdomain' } },
  { name: 'platform-api-v3', component: 'platform-api', subdomain: { name: 'api', key: 'api.subdomain' } },
  { name: 'platform-ums', component: 'user-management-service', subdomain: { name: 'management', key: 'ums.subdomain' } },
  { name: 'platform-pypi', component: 'platform-pypi', subdomain: { name: 'pypi', key: 'pypi.subdomain' } },
  { name: 'platform-operator', component: 'platform-operator' },
];

/** The four backing releases and the Service clients use for each. */
export const PLATFORM_BACKING_RELEASES = [
  { release: 'platform-nats', chart: 'nats', service: 'platform-nats' },
  { release: 'platform-postgres', chart: 'postgres', service: 'platform-postgres-postgresql' },
  { release: 'platform-redis', chart: 'redis', service: 'platform-redis-master' },
  { release: 'platform-minio', chart: 'minio', service: 'platform-minio' },
] as const;

/** Top-level keys that only the platform chart's values use. */
const PLATFORM_VALUES_KEYS = ['datastores', 'podTLS', 'overrideIngressCerts', 'internalPKI', 'imageLoader', 'ui2', 'ums', 'redirectParentDomain'];

const RELEASES = new Set<string>(['howso-platform', ...PLATFORM_BACKING_RELEASES.map((entry) => entry.release)]);
const COMPONENT_NAMES = new Set(PLATFORM_COMPONENTS.map((component) => component.name));

export function isPlatformWorkload(workload: Workload): boolean {
  return COMPONENT_NAMES.has(workload.name) || workload.podLabels['app.kubernetes.io/instance'] === 'howso-platform';
}

/** True when the input looks like the platform: its workloads, its releases or its values keys. */
export function detectPlatform(inventory: Inventory): boolean {
  if (inventory.workloads.some((workload) => isPlatformWorkload(workload) || RELEASES.has(workload.podLabels['app.kubernetes.io/instance'] ?? ''))) return true;
  return inventory.values.some((document) => {
    const data = document.data;
    // images.registryNamespace is the platform's way to name a mirror path; other charts use images.registry alone.
    return PLATFORM_VALUES_KEYS.some((key) => key in data) || (isRecord(data.images) && 'registryNamespace' in data.images);
  });
}
