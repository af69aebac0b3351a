import type { Inventory } from '../model/inventory.js';
import type { Workload } from '../model/workloads.js';
import { describeCaFile } from './client-tls.js';
import { appName, configMapTexts, envValue, hasImage } from './containers.js';
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
  clientVerifiesServer(client) {
    const caFile = client.env.get('REDIS_CA_FILE') ?? client.env.get('REDIS_TLS_CA_FILE');
    return caFile ? { verified: true, evidence: `the client trusts ${describeCaFile(client, caFile)}` } : undefined;
  },
  tlsValues: 'tls.enabled: true with tls.existingSecret (tls.authClients: true for client certificates)',
  isServer: (workload: Workload) => (hasImage(workload, /(^|\/)redis$/) || appName(workload) === 'redis') && !hasImage(workload, /sentinel|exporter/),
  ports: () => [{ port: REDIS_PORT, name: 'tcp-redis', appProtocol: 'redis', serverSpeaksFirst: false, peer: false }],
  tls(workload, inventory, port): ServerTls {
    const enabled = envValue(workload, 'REDIS_TLS_ENABLED');
    if (!enabled || !YES.test(enabled.value)) return { mode: 'off', verifiesClients: false, evidence: ['REDIS_TLS_ENABLED is not set to yes'] };
    const authClients = envValue(workload, 'REDIS_TLS_AUTH_CLIENTS');
    const verifiesClients = Boolean(authClients && YES.test(authClients.value));
    const evidence = [`REDIS_TLS_ENABLED=${enabled.value} in container ${enabled.container.name}`];
    if (verifiesClients) evidence.push(`REDIS_TLS_AUTH_CLIENTS=${authClients!.value} requires client certificates`);

    const plain = plainPort(workload, inventory);
    if (plain.port === undefined || plain.port === 0) {
      evidence.push(plain.evidence);
      return { mode: 'required', verifiesClients, evidence };
    }
    evidence.push(`${plain.evidence}, so Redis also accepts plaintext${plain.port === port ? ' on this port' : ` on port ${plain.port}`}`);
    return { mode: 'optional', verifiesClients, evidence };
  },
};

/**
 * Finds the plaintext port that Redis keeps next to TLS. The Bitnami chart's start scripts pass
 * `--port 0` when TLS is on and `--port ${REDIS_PORT}` otherwise. Without a script, the
 * REDIS_PORT or REDIS_PORT_NUMBER env of the Bitnami image sets the port.
 */
function plainPort(workload: Workload, inventory: Inventory): { port?: number; evidence: string } {
  const scripts = configMapTexts(workload, inventory).filter((entry) => /redis-server/.test(entry.value));
  if (scripts.some((entry) => /["']?--port["']?\s+["']?0["']?(\s|\)|$)/m.test(entry.value))) {
    return { port: 0, evidence: 'the start script passes --port 0, which closes the plaintext port' };
  }
  const variable = envValue(workload, 'REDIS_PORT') ?? envValue(workload, 'REDIS_PORT_NUMBER');
  if (!variable) return { evidence: 'no plaintext port is set' };
  const port = Number(variable.value);
  if (!Number.isInteger(port) || port === 0) return { port: 0, evidence: `${variable.value === '0' ? 'REDIS_PORT=0 closes the plaintext port' : `REDIS_PORT=${variable.value} is not a port`}` };
  return { port, evidence: `REDIS_PORT=${variable.value} keeps a plaintext port open` };
}
