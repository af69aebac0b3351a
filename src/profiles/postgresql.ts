import type { Inventory } from '../model/inventory.js';
import type { Workload } from '../model/workloads.js';
import { appName, configMapTexts, envValue, hasImage } from './containers.js';
import { describeCaFile } from './client-tls.js';
import type { BackingChart, ClientView, ServerTls, ServerVerification } from './types.js';

export const POSTGRES_PORT = 5432;

/**
 * True when the workload's pg_hba.conf admits only `hostssl` lines for network clients. The
 * Bitnami chart keeps its default `host` lines unless `primary.pgHbaConfiguration` replaces them.
 */
function onlyHostSsl(workload: Workload, inventory: Inventory): boolean | undefined {
  const hba = configMapTexts(workload, inventory).find((entry) => entry.key === 'pg_hba.conf');
  if (!hba) return undefined;
  const lines = hba.value.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const network = lines.filter((line) => /^(host|hostssl|hostnossl|hostgssenc|hostnogssenc)\s/.test(line));
  return network.length > 0 && network.every((line) => line.startsWith('hostssl') || /\sreject\s*$/.test(line));
}

/**
 * Tells whether every hostssl line of the mounted pg_hba.conf demands a client certificate: the
 * `cert` method or the `clientcert=verify-ca|verify-full` option
 * (https://www.postgresql.org/docs/current/auth-pg-hba-conf.html). A CA file alone makes the
 * server ask for a certificate but still admit a client without one.
 */
function requiresClientCertificates(workload: Workload, inventory: Inventory): boolean {
  const hba = configMapTexts(workload, inventory).find((entry) => entry.key === 'pg_hba.conf');
  if (!hba) return false;
  const lines = hba.value.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('hostssl') && !/\sreject\s*$/.test(line));
  return lines.length > 0 && lines.every((line) => /\scert(\s|$)/.test(line) || /\sclientcert=verify-(ca|full)\b/.test(line));
}

export const postgresql: BackingChart = {
  id: 'postgres',
  chart: 'bitnami postgresql',
  clientPort: POSTGRES_PORT,
  clientAppProtocol: 'postgres',
  clientRequiresTls(client) {
    // libpq reads PGSSLMODE; only require, verify-ca and verify-full refuse a server without TLS.
    // A sslmode in the connection URI takes precedence over the environment, as in libpq.
    const fromUri = client.parameters.get('sslmode') ?? undefined;
    const mode = fromUri ?? client.env.get('PGSSLMODE');
    const setting = fromUri !== undefined ? `sslmode=${mode} in its connection URI` : `PGSSLMODE=${mode}`;
    if (mode && ['require', 'verify-ca', 'verify-full'].includes(mode)) return { requires: true, evidence: `the client sets ${setting}` };
    if (fromUri !== undefined) return { requires: false, evidence: `the client sets ${setting}, which falls back to plaintext` };
    return { requires: false, evidence: mode ? `the client sets PGSSLMODE=${mode}, which falls back to plaintext` : 'the client sets no PGSSLMODE, so libpq uses prefer and falls back to plaintext' };
  },
  clientVerifiesServer: verificationOfClient,
  tlsValues: 'tls.enabled: true with tls.certificatesSecret, and primary.pgHbaConfiguration with hostssl lines only',
  serverName: (workload) => (isBitnamiPostgresql(workload) ? 'bitnami postgresql' : 'PostgreSQL'),
  isServer: (workload) => hasImage(workload, /(^|\/)postgres(ql)?$/) || appName(workload) === 'postgresql',
  ports: () => [{ port: POSTGRES_PORT, name: 'tcp-postgresql', appProtocol: 'postgres', serverSpeaksFirst: false, peer: false }],
  tls(workload, inventory): ServerTls {
    const enabled = envValue(workload, 'POSTGRESQL_ENABLE_TLS');
    if (!enabled || !/^(yes|true|1)$/i.test(enabled.value)) {
      return { mode: 'off', verifiesClients: false, evidence: ['POSTGRESQL_ENABLE_TLS is not set to yes'] };
    }
    const evidence = [`POSTGRESQL_ENABLE_TLS=${enabled.value} in container ${enabled.container.name}`];
    const verifiesClients = requiresClientCertificates(workload, inventory);
    if (onlyHostSsl(workload, inventory) === true) {
      evidence.push('pg_hba.conf admits network clients through hostssl lines only');
      return { mode: 'required', verifiesClients, evidence };
    }
    evidence.push('pg_hba.conf keeps host lines, which also accept plaintext connections');
    return { mode: 'optional', verifiesClients: false, evidence };
  },
};

/**
 * Reads libpq's sslmode (the URI's, else PGSSLMODE, else libpq's default prefer): only
 * verify-full checks both the certificate chain and the host name
 * (https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION).
 */
function verificationOfClient(client: ClientView): ServerVerification {
  const mode = client.parameters.get('sslmode') ?? client.env.get('PGSSLMODE') ?? 'prefer';
  const rootCert = client.env.get('PGSSLROOTCERT');
  if (mode === 'verify-full') {
    const trust = rootCert ? describeCaFile(client, rootCert) : 'the CA in ~/.postgresql/root.crt (no PGSSLROOTCERT is set)';
    return { verified: true, evidence: `the client uses sslmode verify-full, trusting ${trust}` };
  }
  if (mode === 'verify-ca') return { verified: false, evidence: 'TLS, not verified: the client uses sslmode verify-ca, which checks the CA but not the host name' };
  return { verified: false, evidence: `TLS, not verified: the client uses sslmode ${mode}, which does not check the server certificate` };
}

/**
 * Tells whether a PostgreSQL server comes from Bitnami: its image (`bitnami/postgresql`) or the
 * chart's `helm.sh/chart: postgresql-…` label. The official `postgres` image is not Bitnami's.
 */
function isBitnamiPostgresql(workload: Workload): boolean {
  if (hasImage(workload, /(^|\/)bitnami\/postgresql$/)) return true;
  const chart = workload.podLabels['helm.sh/chart'] ?? workload.resource.labels['helm.sh/chart'];
  return chart !== undefined && /^postgresql-\d/.test(chart) && !hasImage(workload, /^(library\/)?postgres$/);
}
