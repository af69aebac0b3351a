import { isRecord, list, record, text, type Json } from '../../model/access.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import type { Workload } from '../../model/workloads.js';

// What the secrets checks know about charts that render their own credentials Secret, and about
// Helm-managed objects in general. Not a check itself.

/** A chart that renders a Secret with a password it makes up when the values give none. */
export interface PasswordChart {
  /** Readable chart name for messages. */
  chart: string;
  /** Keys of the chart's own Secret; a Helm-managed Secret with one of them is taken as that Secret. */
  secretKeys: string[];
  /** Matches the chart name and version in the `helm.sh/chart` or `chart` label. */
  chartLabel: RegExp;
  /** The values key that makes the chart use a Secret the user manages. */
  switchKey: string;
  /** Note for the fix on the keys the existing Secret needs, or the values keys that rename them. */
  secretKeysNote: string;
  /** Top-level key under which a parent chart passes values to this chart as a subchart. */
  subchartKey: string;
  /** True when a values mapping is meant for this chart. */
  recognises(values: Json): boolean;
  /** True when the values name an existing Secret. */
  existingSecret(values: Json): boolean;
  /** True when the values give the password inline, so nothing is generated. */
  givesPassword(values: Json): boolean;
  /** True when the values turn authentication off, so there is no password to generate. */
  disablesAuth(values: Json): boolean;
}

// Facts from the charts' templates: bitnami/charts postgresql templates/secrets.yaml and redis
// templates/secret.yaml, and minio/minio helm/minio templates/secrets.yaml. Each renders its Secret
// only when no existing Secret is named, and fills empty passwords with randAlphaNum.
export const PASSWORD_CHARTS: PasswordChart[] = [
  {
    chart: 'Bitnami PostgreSQL',
    secretKeys: ['postgres-password', 'replication-password'],
    chartLabel: /^postgresql-\d/,
    switchKey: 'auth.existingSecret (or global.postgresql.auth.existingSecret)',
    secretKeysNote: 'auth.secretKeys.adminPasswordKey, userPasswordKey and replicationPasswordKey name its keys when they are not postgres-password, password and replication-password',
    subchartKey: 'postgresql',
    recognises: (values) => {
      const auth = record(values.auth);
      return ['postgresPassword', 'enablePostgresUser', 'replicationPassword', 'replicationUsername', 'secretKeys'].some((key) => key in auth) || isRecord(record(values.global).postgresql) || 'readReplicas' in values;
    },
    existingSecret: (values) => Boolean(text(record(values.auth).existingSecret) || text(globalPostgresAuth(values).existingSecret)),
    givesPassword: (values) => [record(values.auth).postgresPassword, globalPostgresAuth(values).postgresPassword].some(isGiven),
    disablesAuth: (values) => record(values.auth).enablePostgresUser === false && !isGiven(record(values.auth).password),
  },
  {
    chart: 'Bitnami Redis',
    secretKeys: ['redis-password'],
    chartLabel: /^redis-\d/,
    switchKey: 'auth.existingSecret',
    secretKeysNote: 'auth.existingSecretPasswordKey names its key when it is not redis-password',
    subchartKey: 'redis',
    recognises: (values) => {
      const auth = record(values.auth);
      return 'sentinel' in auth || 'existingSecretPasswordKey' in auth || isRecord(values.sentinel) || 'commonConfiguration' in values || (isRecord(values.master) && isRecord(values.replica));
    },
    existingSecret: (values) => Boolean(text(record(values.auth).existingSecret)),
    givesPassword: (values) => isGiven(record(values.auth).password) || isGiven(record(record(values.global).redis).password),
    disablesAuth: (values) => record(values.auth).enabled === false,
  },
  {
    chart: 'MinIO',
    secretKeys: ['rootUser', 'rootPassword'],
    chartLabel: /^minio-\d/,
    switchKey: 'existingSecret',
    secretKeysNote: 'the Secret must hold the keys rootUser and rootPassword',
    subchartKey: 'minio',
    recognises: (values) => {
      if ('rootUser' in values || 'rootPassword' in values) return true;
      const mode = text(values.mode);
      return (mode === 'standalone' || mode === 'distributed') && ['existingSecret', 'buckets', 'users', 'policies', 'svcaccts', 'drivesPerNode', 'pools', 'minioAPIPort', 'consoleService'].some((key) => key in values);
    },
    existingSecret: (values) => Boolean(text(values.existingSecret)),
    givesPassword: (values) => isGiven(values.rootPassword),
    disablesAuth: () => false,
  },
  {
    chart: 'Bitnami MinIO',
    secretKeys: ['root-user', 'root-password'],
    chartLabel: /^minio-\d/,
    switchKey: 'auth.existingSecret',
    secretKeysNote: 'auth.rootUserSecretKey and auth.rootPasswordSecretKey name its keys when they are not root-user and root-password',
    subchartKey: 'minio',
    // Values of the Bitnami MinIO chart are not distinguished from the MinIO chart's, so only its rendered Secret is recognised.
    recognises: () => false,
    existingSecret: (values) => Boolean(text(record(values.auth).existingSecret)),
    givesPassword: (values) => isGiven(record(values.auth).rootPassword),
    disablesAuth: () => false,
  },
];

function globalPostgresAuth(values: Json): Json {
  return record(record(record(values.global).postgresql).auth);
}

function isGiven(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

/** Finds the chart whose own credentials Secret this is, by its keys and, when it has one, its chart label. */
export function passwordChartOf(secret: Resource, keys: readonly string[]): PasswordChart | undefined {
  const label = secret.labels['helm.sh/chart'] ?? secret.labels.chart ?? '';
  return PASSWORD_CHARTS.find((profile) => profile.secretKeys.some((key) => keys.includes(key)) && (label === '' || profile.chartLabel.test(label)));
}

/** True for an object that Helm rendered: its standard labels, a Helm annotation, or a chart given as input. */
export function isHelmManaged(resource: Resource): boolean {
  return (
    resource.labels['app.kubernetes.io/managed-by'] === 'Helm' ||
    resource.labels.heritage === 'Helm' ||
    'helm.sh/chart' in resource.labels ||
    'meta.helm.sh/release-name' in resource.annotations ||
    resource.source.chart !== undefined
  );
}

const usersCache = new WeakMap<Inventory, Map<string, Workload[]>>();

/** Workloads that read a Secret: through env, envFrom, a secret or projected volume, or imagePullSecrets. */
export function workloadsUsingSecret(inventory: Inventory, namespace: string, name: string): Workload[] {
  let index = usersCache.get(inventory);
  if (!index) {
    index = new Map();
    for (const workload of inventory.workloads) {
      for (const secretName of secretNamesOf(workload)) {
        const key = `${workload.namespace}/${secretName}`;
        const bucket = index.get(key) ?? [];
        if (!bucket.includes(workload)) bucket.push(workload);
        index.set(key, bucket);
      }
    }
    usersCache.set(inventory, index);
  }
  return index.get(`${namespace}/${name}`) ?? [];
}

function secretNamesOf(workload: Workload): string[] {
  const names: string[] = [];
  const add = (value: unknown) => {
    const name = text(value);
    if (name) names.push(name);
  };
  for (const volume of list(workload.podSpec.volumes)) {
    if (!isRecord(volume)) continue;
    add(record(volume.secret).secretName);
    for (const source of list(record(volume.projected).sources)) add(record(record(source).secret).name);
  }
  for (const pullSecret of list(workload.podSpec.imagePullSecrets)) add(record(pullSecret).name);
  for (const container of workload.containers) {
    for (const entry of list(container.container.env)) add(record(record(record(entry).valueFrom).secretKeyRef).name);
    for (const entry of list(container.container.envFrom)) add(record(record(entry).secretRef).name);
  }
  return names;
}
