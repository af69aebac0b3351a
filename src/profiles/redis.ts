import type { Workload } from '../model/workloads.js';
import { appName, envValue, hasImage } from './containers.js';
import type { BackingChart, ServerTls } from './types.js';

export const REDIS_PORT = 6379;

const YES = /^(yes|true|1)$/i;

export const redis: BackingChart = {
  id: 'redis',
  chart: 'bitnami redis',
  clientPort: REDIS_PORT,
  clientAppProtocol: 'redis',
  clientRequiresTls(client) {
    if (client.scheme === 'rediss') return { requires: true, evidence: 'the client connects with a rediss:// URL' };
    const flag = client.env.get('REDIS_TLS') ?? client.env.get('REDIS_SSL') ?? client.env.get('REDIS_TLS_ENABLED');
    if (flag && YES.test(flag)) return { requires: true, evidence: 'the client turns TLS on in its env' };
    return { requires: false, evidence: 'the client neither uses a rediss:// URL nor turns TLS on' };
  },
  tlsValues: 'tls.enabled: true with tls.existingSecret (tls.authClients: true for client certificates)',
  isServer: (workload: Workload) => (hasImage(workload, /(^|\/)redis$/) || appName(workload) === 'redis') && !hasImage(workload, /sentinel|exporter/),
  ports: () => [{ port: REDIS_PORT, name: 'tcp-redis', appProtocol: 'redis', serverSpeaksFirst: false, peer: false }],
  tls(workload): ServerTls {
    const enabled = envValue(workload, 'REDIS_TLS_ENABLED');
    if (!enabled || !YES.test(enabled.value)) return { mode: 'off', verifiesClients: false, evidence: ['REDIS_TLS_ENABLED is not set to yes'] };
    const authClients = envValue(workload, 'REDIS_TLS_AUTH_CLIENTS');
    // With TLS on, the Bitnami image serves TLS on REDIS_TLS_PORT and closes the plain port (REDIS_PORT=0 in its scripts).
    return {
      mode: 'required',
      verifiesClients: Boolean(authClients && YES.test(authClients.value)),
      evidence: [`REDIS_TLS_ENABLED=${enabled.value} in container ${enabled.container.name}`],
    };
  },
};
