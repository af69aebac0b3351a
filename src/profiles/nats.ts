import { isRecord } from '../model/access.js';
import type { Inventory } from '../model/inventory.js';
import type { Workload } from '../model/workloads.js';
import { appName, configMapTexts, hasImage } from './containers.js';
import { describeCaFile } from './client-tls.js';
import type { BackingChart, ServerPort, ServerTls } from './types.js';

export const NATS_CLIENT_PORT = 4222;
export const NATS_CLUSTER_PORT = 6222;
export const NATS_MONITOR_PORT = 8222;

/**
 * The server configuration the nats-io/k8s chart renders into its ConfigMap (`nats.conf`).
 * Since chart 1.0 it looks like JSON but contains NATS-only tokens such as `10Gi` and
 * `$SERVER_NAME`, so it is read with a small scanner of NATS config syntax, not JSON.parse.
 */
export function natsConfig(workload: Workload, inventory: Inventory): Record<string, unknown> | undefined {
  const entry = configMapTexts(workload, inventory).find((candidate) => candidate.key.endsWith('.conf'));
  return entry ? scanNatsConfig(entry.value) : undefined;
}

/**
 * Reads the block structure of a NATS config (JSON-like, `key: value`, `key = value` or
 * `key { … }`) into nested records; scalars are kept as trimmed text, with true and false as
 * booleans. Arrays and includes are skipped: only blocks and flags are needed here.
 */
export function scanNatsConfig(source: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const stack: Record<string, unknown>[] = [root];
  const text = source.replace(/^\s*(#|\/\/).*$/gm, '');
  const token = /"([^"]*)"|([A-Za-z_$][\w.$-]*)|(\{)|(\})|(\[)|(\])|([^\s,:={}\[\]"]+)/g;
  let pendingKey: string | undefined;
  let arrayDepth = 0;
  let first = true;
  for (let match = token.exec(text); match; match = token.exec(text)) {
    const [, quoted, word, open, close, openArray, closeArray, other] = match;
    if (openArray) { arrayDepth++; pendingKey = undefined; continue; }
    if (closeArray) { arrayDepth = Math.max(0, arrayDepth - 1); continue; }
    if (arrayDepth > 0) continue;
    if (open) {
      // The outer braces of a JSON-style file open the root itself.
      if (first && pendingKey === undefined) { first = false; continue; }
      const block: Record<string, unknown> = {};
      if (pendingKey !== undefined) stack[stack.length - 1][pendingKey] = block;
      stack.push(block);
      pendingKey = undefined;
      continue;
    }
    first = false;
    if (close) {
      if (stack.length > 1) stack.pop();
      pendingKey = undefined;
      continue;
    }
    const value = quoted ?? word ?? other ?? '';
    if (pendingKey === undefined) {
      pendingKey = value;
    } else {
      let scalar: string | boolean = value;
      if (value === 'true') scalar = true;
      if (value === 'false') scalar = false;
      stack[stack.length - 1][pendingKey] = scalar;
      pendingKey = undefined;
    }
  }
  return root;
}

export function isClustered(workload: Workload, inventory: Inventory): boolean {
  return isRecord(natsConfig(workload, inventory)?.cluster);
}

export const nats: BackingChart = {
  id: 'nats',
  chart: 'nats-io/k8s nats',
  clientPort: NATS_CLIENT_PORT,
  clientAppProtocol: 'nats',
  // A tls:// URL makes the NATS clients refuse a server that does not offer TLS.
  clientRequiresTls: (client) => (client.scheme === 'tls' ? { requires: true, evidence: 'the client connects with a tls:// URL' } : { requires: false, evidence: `the client connects with ${client.scheme ? `a ${client.scheme}:// URL` : 'no URL scheme'} and does not require TLS` }),
  clientVerifiesServer(client) {
    const caFile = client.env.get('NATS_CA_FILE') ?? client.env.get('NATS_CA');
    return caFile ? { verified: true, evidence: `the client trusts ${describeCaFile(client, caFile)}` } : undefined;
  },
  // The nats CLI reads its client certificate from NATS_CERT; NATS_CERT_FILE is the form of the *_FILE names read above.
  clientPresentsCertificate(client) {
    const certificate = client.env.get('NATS_CERT_FILE') ?? client.env.get('NATS_CERT');
    return certificate ? { presents: true, evidence: `the client presents the certificate in ${certificate}` } : { presents: false, evidence: 'the client\'s settings name no client certificate (NATS_CERT or NATS_CERT_FILE)' };
  },
  tlsValues: 'config.nats.tls.enabled: true with config.nats.tls.secretName (and merge.verify: true for client certificates)',
  isServer: (workload) => hasImage(workload, /(^|\/)nats$/) || (appName(workload) === 'nats' && workload.podLabels['app.kubernetes.io/component'] === 'nats'),
  ports(workload) {
    const ports: ServerPort[] = [{ port: NATS_CLIENT_PORT, name: 'nats', appProtocol: 'nats', serverSpeaksFirst: true, peer: false }];
    const declared = new Set(workload.containers.flatMap((container) => (Array.isArray(container.container.ports) ? container.container.ports : [])).map((port) => (isRecord(port) ? port.containerPort : undefined)));
    if (declared.has(NATS_CLUSTER_PORT)) ports.push({ port: NATS_CLUSTER_PORT, name: 'cluster', appProtocol: 'nats', serverSpeaksFirst: true, peer: true });
    return ports;
  },
  tls(workload, inventory, port): ServerTls {
    const config = natsConfig(workload, inventory);
    if (!config) return { mode: 'off', verifiesClients: false, evidence: ['no NATS server configuration found in a mounted ConfigMap'] };
    const scope = port === NATS_CLUSTER_PORT ? config.cluster : config;
    const block = isRecord(scope) ? scope.tls : undefined;
    const where = port === NATS_CLUSTER_PORT ? 'cluster.tls' : 'tls';
    if (!isRecord(block)) return { mode: 'off', verifiesClients: false, evidence: [`the NATS configuration has no ${where} block`] };
    const verifies = block.verify === true || block.verify_and_map === true;
    // allow_non_tls (NATS 2.10) keeps accepting plaintext clients next to TLS ones.
    if (port !== NATS_CLUSTER_PORT && config.allow_non_tls === true) {
      return { mode: 'optional', verifiesClients: verifies, evidence: [`${where} block present, but allow_non_tls: true accepts plaintext clients`] };
    }
    return { mode: 'required', verifiesClients: verifies, evidence: [`the NATS configuration has a ${where} block${verifies ? ' with verify: true, so clients must present certificates' : ''}`] };
  },
};
