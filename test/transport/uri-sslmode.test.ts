import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptionMap, type FlowEncryption } from '../../src/transport/encryption.js';
import { auditFiles } from '../support/audit.js';
import { bitnamiPostgresWithTls, postgresClient } from '../support/manifests.js';

/** Bitnami PostgreSQL server with TLS on. Its pg_hba.conf also admits plaintext, so the client's sslmode decides. */
const SERVER = bitnamiPostgresWithTls('hostssl all all 0.0.0.0/0 scram-sha-256\nhost all all 0.0.0.0/0 scram-sha-256');

/** Builds the client `api` whose DATABASE_URL is `url`, with the extra env entries `env`. */
function client(url: string, env: Record<string, string> = {}): string {
  return postgresClient({ DATABASE_URL: url, ...env });
}

/** Audits `text` and returns the single flow from `api` to port 5432. */
async function databaseFlow(text: string): Promise<FlowEncryption> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-uri-sslmode-')), 'input.yaml');
  writeFileSync(file, text);
  const result = await auditFiles([file], { namespace: 'howso' });
  const matches = encryptionMap(result.inventory).filter((entry) => entry.flow.source.type === 'workload' && entry.flow.source.workload.name === 'api' && entry.flow.port === 5432);
  expect(matches).toHaveLength(1);
  return matches[0];
}

describe('sslmode in the URI of a server in the input', () => {
  it('flow keeps the URI query', async () => {
    const entry = await databaseFlow(SERVER + client('postgresql://platform-postgres-postgresql:5432/db?sslmode=verify-full&application_name=api'));
    expect(entry.flow.destination?.name).toBe('platform-postgres-postgresql');
    expect(entry.flow.target.query).toBe('sslmode=verify-full&application_name=api');
  });

  it('verify-full makes the flow TLS', async () => {
    const entry = await databaseFlow(SERVER + client('postgresql://platform-postgres-postgresql:5432/db?sslmode=verify-full&sslrootcert=/etc/pg-ca/ca.crt'));
    expect(entry.verdict).toBe('tls');
    expect(entry.serverVerified).toBe(true);
  });

  it('URI sslmode beats PGSSLMODE', async () => {
    // libpq reads PGSSLMODE only for a parameter that the connection string does not set.
    const entry = await databaseFlow(SERVER + client('postgresql://platform-postgres-postgresql:5432/db?sslmode=verify-full&sslrootcert=/etc/pg-ca/ca.crt', { PGSSLMODE: 'disable' }));
    expect(entry.verdict).toBe('tls');
  });

  it('PGSSLMODE applies without a URI sslmode', async () => {
    const entry = await databaseFlow(SERVER + client('postgresql://platform-postgres-postgresql:5432/db', { PGSSLMODE: 'disable' }));
    expect(entry.flow.target.query).toBeUndefined();
    expect(entry.verdict).not.toBe('tls');
  });

  it('URI user not read as Service', async () => {
    const entry = await databaseFlow(SERVER + client('postgresql://dbuser@platform-postgres-postgresql:5432/db?sslmode=verify-full&sslrootcert=/etc/pg-ca/ca.crt'));
    expect(entry.flow.target.service).toBe('platform-postgres-postgresql');
    expect(entry.verdict).toBe('tls');
  });
});
