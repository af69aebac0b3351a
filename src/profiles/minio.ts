import type { Workload } from '../model/workloads.js';
import { appName, envValue, hasImage, secretMounts } from './containers.js';
import type { BackingChart, ServerTls } from './types.js';

export const MINIO_API_PORT = 9000;
export const MINIO_CONSOLE_PORT = 9001;

export const minio: BackingChart = {
  id: 'minio',
  chart: 'minio/minio',
  clientPort: MINIO_API_PORT,
  clientAppProtocol: 's3',
  clientRequiresTls: (client) => (client.scheme === 'https' ? { requires: true, evidence: 'the client uses an https:// endpoint' } : { requires: false, evidence: `the client uses ${client.scheme ? `an ${client.scheme}:// endpoint` : 'an endpoint without scheme'}` }),
  tlsValues: 'tls.enabled: true with tls.certSecret (public.crt and private.key)',
  isServer: (workload: Workload) => hasImage(workload, /(^|\/)minio$/) || workload.podLabels.app === 'minio' || appName(workload) === 'minio',
  ports: () => [
    { port: MINIO_API_PORT, name: 'http', appProtocol: 's3', serverSpeaksFirst: false, peer: false },
    { port: MINIO_CONSOLE_PORT, name: 'http-console', appProtocol: 'http', serverSpeaksFirst: false, peer: false },
  ],
  tls(workload): ServerTls {
    // MinIO serves HTTPS only, on every port, when its certs folder contains public.crt and private.key.
    const mount = secretMounts(workload).find((entry) => /\/certs\/?$/.test(entry.mountPath) || entry.mountPath.includes('/certs'));
    const scheme = envValue(workload, 'MINIO_SCHEME');
    if (mount) return { mode: 'required', verifiesClients: false, evidence: [`Secret ${mount.secretName} mounted at ${mount.mountPath}`] };
    if (scheme && scheme.value === 'https') return { mode: 'required', verifiesClients: false, evidence: ['MINIO_SCHEME=https'] };
    return { mode: 'off', verifiesClients: false, evidence: ['no certificate Secret mounted in the MinIO certs folder'] };
  },
};
