import type { Workload } from '../model/workloads.js';
import { isRecord, list, record, text } from '../model/access.js';
import { describeCaFile } from './client-tls.js';
import { appName, envValue, hasImage } from './containers.js';
import type { BackingChart, ServerTls } from './types.js';

export const MINIO_API_PORT = 9000;
export const MINIO_CONSOLE_PORT = 9001;

/** Default certs folders: the minio/minio chart's `certsPath`, and MinIO's own `${HOME}/.minio/certs` for root. */
const DEFAULT_CERTS_DIRS = ['/etc/minio/certs', '/root/.minio/certs'];

export const minio: BackingChart = {
  id: 'minio',
  chart: 'minio/minio',
  clientPort: MINIO_API_PORT,
  clientAppProtocol: 's3',
  clientRequiresTls: (client) => (client.scheme === 'https' ? { requires: true, evidence: 'the client uses an https:// endpoint' } : { requires: false, evidence: `the client uses ${client.scheme ? `an ${client.scheme}:// endpoint` : 'an endpoint without scheme'}` }),
  clientVerifiesServer(client) {
    const caFile = client.env.get('AWS_CA_BUNDLE') ?? client.env.get('SSL_CERT_FILE') ?? client.env.get('REQUESTS_CA_BUNDLE');
    return caFile ? { verified: true, evidence: `the client trusts ${describeCaFile(client, caFile)}` } : undefined;
  },
  tlsValues: 'tls.enabled: true with tls.certSecret (public.crt and private.key)',
  isServer: (workload: Workload) => hasImage(workload, /(^|\/)minio$/) || workload.podLabels.app === 'minio' || appName(workload) === 'minio',
  ports: () => [
    { port: MINIO_API_PORT, name: 'http', appProtocol: 's3', serverSpeaksFirst: false, peer: false },
    { port: MINIO_CONSOLE_PORT, name: 'http-console', appProtocol: 'http', serverSpeaksFirst: false, peer: false },
  ],
  tls(workload): ServerTls {
    // MinIO serves HTTPS only, on every port, when its certs folder contains public.crt and private.key;
    // the minio/minio chart mounts tls.certSecret there (helm/minio/templates/_helpers.tpl). The CAs
    // subfolder contains only the CAs that MinIO trusts as a client, so a Secret there turns nothing on.
    const certsDirs = certsDirectories(workload);
    const mount = secretVolumeMounts(workload).find((entry) => certsDirs.includes(normalise(entry.mountPath)) && entry.providesKeyPair);
    if (mount) return { mode: 'required', verifiesClients: false, evidence: [`Secret ${mount.secretName} is mounted at the certs folder ${mount.mountPath}`] };
    const scheme = envValue(workload, 'MINIO_SCHEME');
    if (scheme && scheme.value === 'https') return { mode: 'required', verifiesClients: false, evidence: ['MINIO_SCHEME=https'] };
    return { mode: 'off', verifiesClients: false, evidence: [`no Secret with public.crt and private.key is mounted at the certs folder ${certsDirs[0]}`] };
  },
};

function normalise(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** Reads the certs folder from `-S DIR`, `--certs-dir DIR` or `--certs-dir=DIR` in the command, args or a shell line. */
function certsDirectories(workload: Workload): string[] {
  for (const container of workload.containers) {
    if (container.group !== 'containers') continue;
    const words = [...list(container.container.command), ...list(container.container.args)]
      .filter((entry): entry is string => typeof entry === 'string')
      .flatMap((entry) => entry.split(/\s+/));
    for (let index = 0; index < words.length; index++) {
      const word = words[index];
      if (word.startsWith('--certs-dir=')) return [normalise(word.slice('--certs-dir='.length))];
      if ((word === '-S' || word === '--certs-dir') && words[index + 1]) return [normalise(words[index + 1].replace(/^["']|["']$/g, ''))];
    }
  }
  return DEFAULT_CERTS_DIRS;
}

/**
 * Lists the Secret volumes mounted in the main containers, with whether the Secret provides
 * the key pair: a volume with `items` must map keys to public.crt and private.key, and one
 * without items is taken to hold them.
 */
function secretVolumeMounts(workload: Workload): { secretName: string; mountPath: string; providesKeyPair: boolean }[] {
  const volumes = new Map<string, { secretName: string; providesKeyPair: boolean }>();
  for (const volume of list(workload.podSpec.volumes)) {
    const name = text(record(volume).name);
    const secret = record(record(volume).secret);
    const secretName = text(secret.secretName);
    if (!name || !secretName) continue;
    const items = list(secret.items);
    const paths = items.map((item) => (isRecord(item) ? text(item.path) : undefined));
    const providesKeyPair = items.length === 0 || (paths.includes('public.crt') && paths.includes('private.key'));
    volumes.set(name, { secretName, providesKeyPair });
  }
  const mounts: { secretName: string; mountPath: string; providesKeyPair: boolean }[] = [];
  for (const container of workload.containers) {
    if (container.group !== 'containers') continue;
    for (const mount of list(container.container.volumeMounts)) {
      const volume = volumes.get(text(record(mount).name) ?? '');
      const mountPath = text(record(mount).mountPath);
      if (volume && mountPath) mounts.push({ ...volume, mountPath });
    }
  }
  return mounts;
}
