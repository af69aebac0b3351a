import { isRecord, type Json } from '../model/access.js';
import type { Inventory } from '../model/inventory.js';
import type { Workload } from '../model/workloads.js';
import { isPlatformWorkload, PLATFORM_BACKING_RELEASES, PLATFORM_COMPONENTS, PLATFORM_NAMESPACE } from '../profiles/howso-platform.js';
import { backingChartOf } from '../profiles/index.js';
import { isClustered, natsConfig } from '../profiles/nats.js';
import type { BackingChart } from '../profiles/types.js';
import { releaseOfWorkload } from './mesh.js';
import type { ValuesOverlay } from './overlay-effects/index.js';

export interface TlsOptions {
  /** Name of an issuer that exists already; without it the bundle bootstraps its own CA. */
  existingIssuer?: string;
  /** True when `existingIssuer` is a ClusterIssuer. */
  clusterIssuer?: boolean;
  /** Namespace of cert-manager, where the bootstrapped CA keeps its Secret. */
  caNamespace: string;
}

/** A manifest of the bundle with the comment written above it. */
export interface CommentedManifest {
  manifest: Json;
  comment: string;
}

/** A backing service found in the input, or named by the platform's clients. */
export interface BackingService {
  chart: BackingChart['id'];
  release: string;
  namespace: string;
  /** Services clients address, headless ones included. */
  services: string[];
  /** Headless Service and replica count of a StatefulSet, for the per-pod names. */
  statefulSet?: { name: string; headless: string; replicas: number };
  /** Secret that cert-manager writes and the chart mounts. */
  secretName: string;
  /** True when the server also connects to its peers with the certificate (NATS routes). */
  clientAuth: boolean;
  /** True when the server is in the input; false for a datastore only the platform's clients name. */
  inInput: boolean;
}

export interface TlsBundle {
  issuers: CommentedManifest[];
  certificates: CommentedManifest[];
  overlays: ValuesOverlay[];
  services: BackingService[];
  /** The issuer the Certificates name. */
  issuerRef: { name: string; kind: 'Issuer' | 'ClusterIssuer'; group: 'cert-manager.io' };
  /** Secret holding the CA certificate (`ca.crt`) that the platform's clients verify servers with. */
  clientCaSecret?: { name: string; namespace: string };
  problems: string[];
}

export const CA_ISSUER = 'rampart-ca';
const SELF_SIGNED_ISSUER = 'rampart-selfsigned';
const CA_SECRET = 'rampart-ca';
/** Secret the platform's clients mount for the CA; a client Certificate in the platform namespace fills it. */
export const PLATFORM_CA_SECRET = 'platform-datastores-ca';

const PRIVATE_KEY = { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' };

/** Returns the DNS names clients use for a Service: short, with namespace, and fully qualified. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

/**
 * Builds the TLS bundle: a CA (or a named issuer), one cert-manager Certificate per backing
 * service, and the values overlays that turn TLS on in each backing chart with those Secrets.
 * When the input is the platform, it adds the values that make its clients require and verify TLS.
 */
export function synthesizeTls(inventory: Inventory, options: TlsOptions): TlsBundle {
  const problems: string[] = [];
  const issuerRef = options.existingIssuer
    ? { name: options.existingIssuer, kind: options.clusterIssuer ? ('ClusterIssuer' as const) : ('Issuer' as const), group: 'cert-manager.io' as const }
    : { name: CA_ISSUER, kind: 'ClusterIssuer' as const, group: 'cert-manager.io' as const };
  const issuers = options.existingIssuer ? [] : caBootstrap(options.caNamespace);

  const services = backingServices(inventory);
  // The platform's own workloads or values, not a backing release name alone, bring in its client settings.
  const platform = inventory.workloads.some(isPlatformWorkload) || inventory.values.some((document) => isRecord(document.data.datastores));
  if (platform) services.push(...platformDatastores(inventory, services));

  const certificates = services.map((service) => serviceCertificate(service, issuerRef));
  const overlays = services.map((service) => backingOverlay(service, inventory, problems));
  let clientCaSecret: TlsBundle['clientCaSecret'];
  if (platform) {
    const namespace = platformNamespace(inventory);
    clientCaSecret = { name: PLATFORM_CA_SECRET, namespace };
    certificates.push(platformClientCertificate(namespace, issuerRef));
    certificates.push(...PLATFORM_COMPONENTS.filter((component) => component.subdomain).map((component) => podTlsCertificate(component.name, namespace, issuerRef)));
    overlays.push(platformOverlay(inventory, namespace));
  }
  if (issuerRef.kind === 'Issuer') {
    const namespaces = [...new Set(certificates.map((certificate) => String((certificate.manifest.metadata as Json).namespace)))];
    if (namespaces.length > 1) problems.push(`Issuer ${issuerRef.name} is namespaced, but the Certificates are in ${namespaces.join(', ')}; create the Issuer in each of them or use a ClusterIssuer (--cluster-issuer)`);
  }
  return { issuers, certificates, overlays, services, issuerRef, ...(clientCaSecret ? { clientCaSecret } : {}), problems };
}

function caBootstrap(namespace: string): CommentedManifest[] {
  return [
    {
      comment: 'Signs the CA certificate below and nothing else.',
      manifest: { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: SELF_SIGNED_ISSUER }, spec: { selfSigned: {} } },
    },
    {
      comment: `The CA of the install's servers. cert-manager keeps its key in Secret ${CA_SECRET} in ${namespace}, the namespace a ClusterIssuer reads Secrets from.`,
      manifest: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: CA_SECRET, namespace },
        spec: { isCA: true, commonName: 'rampart install CA', secretName: CA_SECRET, duration: '87600h', privateKey: { ...PRIVATE_KEY }, issuerRef: { name: SELF_SIGNED_ISSUER, kind: 'ClusterIssuer', group: 'cert-manager.io' } },
      },
    },
    {
      comment: 'Issues the server certificates of every backing service from the CA above.',
      manifest: { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: CA_ISSUER }, spec: { ca: { secretName: CA_SECRET } } },
    },
  ];
}

/** Finds the backing servers of the input, one per release and namespace. */
function backingServices(inventory: Inventory): BackingService[] {
  const found = new Map<string, BackingService>();
  for (const workload of inventory.workloads) {
    const chart = backingChartOf(workload);
    if (!chart) continue;
    const release = releaseOfWorkload(workload) ?? workload.name;
    const key = `${workload.namespace}/${release}`;
    const services = inventory.servicesIn(workload.namespace).filter((service) => service.workloads.includes(workload));
    const existing = found.get(key);
    if (existing) {
      for (const service of services) if (!existing.services.includes(service.name)) existing.services.push(service.name);
      continue;
    }
    const entry: BackingService = {
      chart: chart.id,
      release,
      namespace: workload.namespace,
      services: services.map((service) => service.name),
      secretName: `${release}-tls`,
      clientAuth: chart.id === 'nats' && isClustered(workload, inventory),
      inInput: true,
    };
    const statefulSet = statefulSetOf(workload, services.filter((service) => service.headless).map((service) => service.name));
    if (statefulSet) entry.statefulSet = statefulSet;
    if (entry.services.length === 0) entry.services.push(workload.name);
    found.set(key, entry);
  }
  return [...found.values()];
}

function statefulSetOf(workload: Workload, headless: string[]): BackingService['statefulSet'] {
  if (workload.kind !== 'StatefulSet') return undefined;
  const spec = isRecord(workload.resource.body.spec) ? workload.resource.body.spec : {};
  const serviceName = typeof spec.serviceName === 'string' && spec.serviceName !== '' ? spec.serviceName : headless[0];
  if (!serviceName) return undefined;
  const replicas = typeof spec.replicas === 'number' && Number.isInteger(spec.replicas) && spec.replicas >= 0 ? Math.min(spec.replicas, 100) : 1;
  return { name: workload.name, headless: serviceName, replicas };
}

function platformNamespace(inventory: Inventory): string {
  const platformWorkload = inventory.workloads.find((workload) => workload.podLabels['app.kubernetes.io/instance'] === 'howso-platform');
  return platformWorkload?.namespace ?? PLATFORM_NAMESPACE;
}

/** Adds the platform's datastores that its clients name but the input does not contain, by their documented release names. */
function platformDatastores(inventory: Inventory, present: BackingService[]): BackingService[] {
  const namespace = platformNamespace(inventory);
  return PLATFORM_BACKING_RELEASES.filter((entry) => !present.some((service) => service.chart === entry.chart)).map((entry) => ({
    chart: entry.chart,
    release: entry.release,
    namespace,
    services: [entry.service],
    secretName: `${entry.release}-tls`,
    clientAuth: false,
    inInput: false,
  }));
}

function certificateManifest(name: string, namespace: string, spec: Json): Json {
  return { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'rampart' } }, spec };
}

function serviceCertificate(service: BackingService, issuerRef: TlsBundle['issuerRef']): CommentedManifest {
  const dnsNames = service.services.flatMap((name) => serviceDnsNames(name, service.namespace));
  if (service.statefulSet) {
    const { name, headless, replicas } = service.statefulSet;
    const zone = `${headless}.${service.namespace}.svc.cluster.local`;
    for (const candidate of serviceDnsNames(headless, service.namespace)) if (!dnsNames.includes(candidate)) dnsNames.push(candidate);
    for (let index = 0; index < replicas; index++) dnsNames.push(`${name}-${index}.${zone}`);
    dnsNames.push(`*.${zone}`);
  }
  const usages = service.clientAuth ? ['server auth', 'client auth'] : ['server auth'];
  return {
    comment: `Server certificate of ${service.release} (${service.chart}) in ${service.namespace}: every name its clients${service.statefulSet ? ' and peers' : ''} use. The ${service.chart} values overlay mounts Secret ${service.secretName}.`,
    manifest: certificateManifest(service.secretName, service.namespace, { secretName: service.secretName, dnsNames: [...new Set(dnsNames)], privateKey: { ...PRIVATE_KEY }, usages, issuerRef: { ...issuerRef } }),
  };
}

function platformClientCertificate(namespace: string, issuerRef: TlsBundle['issuerRef']): CommentedManifest {
  return {
    comment: `Gives the platform's clients the CA in key ca.crt of Secret ${PLATFORM_CA_SECRET}, so that they can verify the datastores; its own key pair is a client certificate they do not need to present.`,
    manifest: certificateManifest(PLATFORM_CA_SECRET, namespace, { secretName: PLATFORM_CA_SECRET, commonName: 'howso-platform', dnsNames: ['howso-platform'], privateKey: { ...PRIVATE_KEY }, usages: ['client auth'], issuerRef: { ...issuerRef } }),
  };
}

function podTlsCertificate(service: string, namespace: string, issuerRef: TlsBundle['issuerRef']): CommentedManifest {
  const secretName = `${service}-server-tls`;
  return {
    comment: `Certificate of the nginx sidecar that podTLS puts in front of ${service}; the chart mounts Secret ${secretName}.`,
    manifest: certificateManifest(secretName, namespace, { secretName, dnsNames: serviceDnsNames(service, namespace), privateKey: { ...PRIVATE_KEY }, usages: ['server auth'], issuerRef: { ...issuerRef } }),
  };
}

function backingOverlay(service: BackingService, inventory: Inventory, problems: string[]): ValuesOverlay {
  const base = { release: service.release, namespace: service.namespace, chart: service.chart };
  const secret = service.secretName;
  switch (service.chart) {
    case 'nats': {
      const tls: Json = { enabled: true, secretName: secret };
      const config: Json = { nats: { tls } };
      const comments: Record<string, string> = { 'config.nats': `Clients on 4222 get TLS with Secret ${secret}; plaintext clients are refused.` };
      const verification = service.inInput ? clientVerification(service, inventory) : [];
      if (verification.length > 0) {
        // With --reuse-values the release keeps its merge settings, so they must be turned off here.
        tls.merge = Object.fromEntries(verification.map((key) => [key, false]));
        comments['config.nats.tls.merge'] = `The release required client certificates (${verification.join(', ')}), which the platform's NATS client cannot present: it has no client certificate setting. Remove this to keep mutual TLS once every client presents a certificate from the CA.`;
        problems.push(`NATS release ${service.release} required client certificates (${verification.map((key) => `${key}: true`).join(', ')}); the overlay turns that off with config.nats.tls.merge, because the platform's NATS client has no client certificate setting`);
      }
      if (service.clientAuth) {
        config.cluster = { tls: { enabled: true, secretName: secret, ca: 'ca.crt' } };
        comments['config.cluster'] = 'Cluster routes on 6222 use TLS, and each server verifies its peers against ca.crt.';
      }
      if (service.inInput && usesLeafnodes(service, inventory)) {
        config.leafnode = { tls: { enabled: true, secretName: secret, ca: 'ca.crt' } };
        comments['config.leafnode'] = 'Leaf node connections use TLS.';
      }
      return { ...base, values: { config }, comments };
    }
    case 'postgres':
      return {
        ...base,
        values: {
          tls: { enabled: true, certificatesSecret: secret, certFilename: 'tls.crt', certKeyFilename: 'tls.key', certCAFilename: 'ca.crt' },
          primary: { pgHbaConfiguration: PG_HBA },
        },
        comments: {
          tls: `Clients on 5432 get TLS with Secret ${secret}, whose keys cert-manager names tls.crt, tls.key and ca.crt.`,
          primary: 'Network clients are admitted through hostssl lines only, so a plaintext connection is refused; local socket connections keep working for the chart\'s probes.',
        },
      };
    case 'redis':
      return {
        ...base,
        values: { tls: { enabled: true, authClients: false, existingSecret: secret, certFilename: 'tls.crt', certKeyFilename: 'tls.key', certCAFilename: 'ca.crt' } },
        comments: { tls: `Clients on 6379 get TLS with Secret ${secret}, and the plain port closes. authClients stays off because the platform's Redis clients present no certificate.` },
      };
    case 'minio':
      return {
        ...base,
        values: { tls: { enabled: true, certSecret: secret, publicCrt: 'tls.crt', privateKey: 'tls.key' } },
        comments: { tls: `The S3 API on 9000 and the console on 9001 serve HTTPS only, with Secret ${secret}.` },
      };
  }
}

/** Network clients must use TLS and a password; local connections through the socket stay as the chart has them. */
const PG_HBA = ['local all all scram-sha-256', 'hostssl all all 0.0.0.0/0 scram-sha-256', 'hostssl all all ::/0 scram-sha-256', ''].join('\n');

/** Names the client-certificate settings (verify, verify_and_map) that the release's NATS configuration turns on for clients. */
function clientVerification(service: BackingService, inventory: Inventory): string[] {
  const workload = inventory.workloadsIn(service.namespace).find((candidate) => releaseOfWorkload(candidate) === service.release && backingChartOf(candidate)?.id === 'nats');
  const block = workload ? natsConfig(workload, inventory)?.tls : undefined;
  if (!isRecord(block)) return [];
  return ['verify', 'verify_and_map'].filter((key) => block[key] === true);
}

function usesLeafnodes(service: BackingService, inventory: Inventory): boolean {
  const workload = inventory.workloadsIn(service.namespace).find((candidate) => releaseOfWorkload(candidate) === service.release && backingChartOf(candidate)?.id === 'nats');
  return workload ? isRecord(natsConfig(workload, inventory)?.leafnodes) : false;
}

/** Names the platform's PostgreSQL databases: those of its values documents, or the example chart's. */
function platformDatabases(inventory: Inventory): string[] {
  const names = new Set<string>();
  for (const document of inventory.values) {
    const postgres = isRecord(document.data.datastores) && isRecord(document.data.datastores.postgres) ? document.data.datastores.postgres : undefined;
    for (const [name, value] of Object.entries(postgres ?? {})) if (isRecord(value)) names.add(name);
  }
  return names.size > 0 ? [...names] : ['ums', 'api'];
}

/** Builds the platform's values that make its clients require TLS and verify the servers against the CA, and turn podTLS on for its own services. */
function platformOverlay(inventory: Inventory, namespace: string): ValuesOverlay {
  const postgres: Json = {};
  for (const database of platformDatabases(inventory)) {
    postgres[database] = { sslmode: 'verify-full', serverVerificationCustomCertChain: true, serverCertChainSecretName: PLATFORM_CA_SECRET };
  }
  const values: Json = {
    datastores: {
      postgres,
      redis: { tls: { enabled: true, caSecretName: PLATFORM_CA_SECRET } },
      nats: { tls: { enabled: true, caSecretName: PLATFORM_CA_SECRET } },
      minio: { secure: true },
    },
    podTLS: { enabled: true },
  };
  return {
    release: 'howso-platform',
    namespace,
    chart: 'howso-platform',
    values,
    comments: {
      'datastores.postgres': `libpq refuses a server without TLS and checks its certificate and host name against ca.crt of Secret ${PLATFORM_CA_SECRET}.`,
      'datastores.redis': 'The platform connects to Redis over TLS and verifies the server with the CA.',
      'datastores.nats': 'The platform connects with tls:// URLs and verifies the server with the CA.',
      'datastores.minio': 'The platform reaches the S3 API over HTTPS.',
      podTLS: 'nginx sidecars serve HTTPS on 8443 in front of the UI, API, user management and package index, with the <service>-server-tls certificates of this bundle.',
    },
  };
}
