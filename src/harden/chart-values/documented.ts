import type { OverlayChart } from '../overlay-effects/index.js';

/**
 * The value paths the TLS and mesh overlays set, as each chart documents them in its values.yaml.
 * Only the paths rampart writes are listed; a test walks every overlay the generators write and
 * fails on a path not listed here. Paths under a `free` prefix are maps the chart passes through
 * (merge blocks, annotations), whose keys the chart does not define.
 */
export interface DocumentedValues {
  /** Chart, version the overlays are written for, and the values.yaml the paths were read from. */
  source: string;
  paths: readonly string[];
  free: readonly string[];
}

export const DOCUMENTED_VALUES: Record<Exclude<OverlayChart, 'howso-platform'>, DocumentedValues> = {
  // nats-io/k8s helm/charts/nats/values.yaml at commit 0a5ba3eb4f4f0d630667a097cfbf57cdfa5b2a87
  // (chart 1.0). The stored history has no commit of chart 2.14.2; its renders in the corpus show
  // the same keys at work (config.nats.tls, service.merge, podTemplate.merge).
  nats: {
    source: 'nats-io/k8s nats chart 1.x (values.yaml at 0a5ba3eb4f4f0d630667a097cfbf57cdfa5b2a87)',
    paths: [
      'config.nats.tls.enabled',
      'config.nats.tls.secretName',
      'config.nats.tls.dir',
      'config.nats.tls.cert',
      'config.nats.tls.key',
      'config.nats.tls.ca',
      'config.cluster.tls.enabled',
      'config.cluster.tls.secretName',
      'config.cluster.tls.ca',
      'config.leafnode.tls.enabled',
      'config.leafnode.tls.secretName',
      'config.leafnode.tls.ca',
      'service.merge',
      'podTemplate.merge',
      'headlessService.merge',
    ],
    free: ['service.merge', 'podTemplate.merge', 'headlessService.merge', 'config.nats.tls.merge', 'config.cluster.tls.merge', 'config.leafnode.tls.merge'],
  },
  // bitnami/charts bitnami/postgresql/values.yaml at commit 0068ed9dbe19b910c2941fcd313fdcc257e59f26.
  postgres: {
    source: 'Bitnami postgresql chart (values.yaml at bitnami/charts 0068ed9dbe19b910c2941fcd313fdcc257e59f26)',
    paths: ['tls.enabled', 'tls.certificatesSecret', 'tls.certFilename', 'tls.certKeyFilename', 'tls.certCAFilename', 'tls.preferServerCiphers', 'primary.pgHbaConfiguration'],
    free: [],
  },
  // bitnami/charts bitnami/redis/values.yaml at commit 009bff7493e9880c6be0aadf3a2017792274563c.
  redis: {
    source: 'Bitnami redis chart (values.yaml at bitnami/charts 009bff7493e9880c6be0aadf3a2017792274563c)',
    paths: ['tls.enabled', 'tls.authClients', 'tls.existingSecret', 'tls.certFilename', 'tls.certKeyFilename', 'tls.certCAFilename'],
    free: [],
  },
  // minio/minio helm/minio/values.yaml at commit 00cc42191e271cf85127581c50030bc7c9a02569.
  minio: {
    source: 'MinIO chart (values.yaml at minio/minio 00cc42191e271cf85127581c50030bc7c9a02569)',
    paths: ['tls.enabled', 'tls.certSecret', 'tls.publicCrt', 'tls.privateKey', 'trustedCertsSecret'],
    free: [],
  },
};

/** Lists the dotted paths of every leaf of a values document, stopping at `free` maps. */
export function leafPaths(values: unknown, free: readonly string[], prefix = ''): string[] {
  if (prefix !== '' && free.includes(prefix)) return [prefix];
  if (values === null || typeof values !== 'object' || Array.isArray(values)) return [prefix];
  const paths: string[] = [];
  for (const [key, value] of Object.entries(values)) paths.push(...leafPaths(value, free, prefix === '' ? key : `${prefix}.${key}`));
  return paths;
}
