import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptionMap } from '../../src/transport/encryption.js';
import { auditFiles, ROOT } from '../support/audit.js';

const example = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');

function client(env: Record<string, string>, namespaceAnnotations = '{}', podAnnotations = '{}'): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-flow-'));
  const file = path.join(folder, 'client.yaml');
  const envYaml = Object.entries(env).map(([name, value]) => `        - {name: ${name}, value: "${value}"}`).join('\n');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Namespace
metadata: {name: howso, annotations: ${namespaceAnnotations}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: howso}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}, annotations: ${podAnnotations}}
    spec:
      containers:
      - name: api
        image: example.com/api:1.0
        env:
${envYaml}
`,
  );
  return file;
}

async function verdicts(file: string): Promise<Record<string, string>> {
  const result = await auditFiles([file]);
  return Object.fromEntries(encryptionMap(result.inventory).map((entry) => [`${entry.flow.target.service}:${entry.flow.port}`, entry.verdict]));
}

describe('flows to servers outside the input', () => {
  it('the example reaches all four backing services in plaintext', async () => {
    const result = await auditFiles([example]);
    const targets = new Set(encryptionMap(result.inventory).filter((entry) => entry.verdict === 'plaintext' && entry.flow.target.chart).map((entry) => entry.flow.target.service));
    expect([...targets].sort()).toEqual(['platform-minio', 'platform-nats', 'platform-postgres-postgresql', 'platform-redis-master']);
    const findings = result.findings.filter((finding) => finding.checkId === 'transport/plaintext-flow');
    expect(findings.length).toBeGreaterThanOrEqual(4);
  });

  it('a client that insists on TLS makes the flow TLS', async () => {
    const file = client({ NATS_URL: 'tls://platform-nats:4222', PGHOST: 'platform-postgres-postgresql', PGSSLMODE: 'verify-full', REDIS_URL: 'rediss://platform-redis-master:6379', S3: 'https://platform-minio.howso.svc:9000' });
    expect(await verdicts(file)).toEqual({
      'platform-nats:4222': 'tls',
      'platform-postgres-postgresql:5432': 'tls',
      'platform-redis-master:6379': 'tls',
      'platform-minio:9000': 'tls',
    });
  });

  it('a client that may fall back is plaintext', async () => {
    const file = client({ NATS_URL: 'nats://platform-nats:4222', PGHOST: 'platform-postgres-postgresql', PGSSLMODE: 'prefer' });
    expect(await verdicts(file)).toEqual({ 'platform-nats:4222': 'plaintext', 'platform-postgres-postgresql:5432': 'plaintext' });
  });

  it('a meshed namespace makes the flow mesh mTLS', async () => {
    const file = client({ NATS_URL: 'nats://platform-nats.howso.svc.cluster.local:4222' }, '{linkerd.io/inject: enabled}');
    expect(await verdicts(file)).toEqual({ 'platform-nats:4222': 'mesh-mtls' });
  });

  it('a pod opting out of the mesh is not meshed', async () => {
    const file = client({ NATS_URL: 'nats://platform-nats:4222' }, '{linkerd.io/inject: enabled}', '{linkerd.io/inject: disabled}');
    expect(await verdicts(file)).toEqual({ 'platform-nats:4222': 'plaintext' });
  });

  it('free text naming a service makes no flow', async () => {
    const file = client({ BUCKET: 'platform-minio', GREETING: 'see platform-redis-master docs', LOG_TOPIC: 'platform-nats.events' });
    expect(await verdicts(file)).toEqual({});
  });

  it('reads sslmode from the connection URI', async () => {
    const file = client({ DATABASE_URL: 'postgresql://u@platform-postgres-postgresql:5432/x?sslmode=verify-full' });
    expect(await verdicts(file)).toEqual({ 'platform-postgres-postgresql:5432': 'tls' });
  });

  it('reads PGSSLMODE from an envFrom ConfigMap', async () => {
    const file = client({ PGHOST: 'platform-postgres-postgresql' });
    const text = readFileSync(file, 'utf8')
      .replace('        env:\n', '        envFrom: [{configMapRef: {name: db}}]\n        env:\n')
      .concat('---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: db, namespace: howso}\ndata: {PGSSLMODE: verify-full}\n');
    writeFileSync(file, text);
    expect(await verdicts(file)).toEqual({ 'platform-postgres-postgresql:5432': 'tls' });
  });

  it('a same-named service elsewhere does not hide the flow', async () => {
    const file = client({ NATS_URL: 'nats://platform-nats:4222' });
    writeFileSync(file, readFileSync(file, 'utf8') + '---\napiVersion: v1\nkind: Service\nmetadata: {name: platform-nats, namespace: other}\nspec: {ports: [{port: 4222}]}\n');
    expect(await verdicts(file)).toEqual({ 'platform-nats:4222': 'plaintext' });
  });

  it('--profile none leaves out servers outside the input', async () => {
    const result = await auditFiles([example], { profile: 'none' });
    const reported = result.findings.filter((finding) => finding.checkId === 'transport/plaintext-flow');
    expect(reported.filter((finding) => String(finding.data.destination).includes('not in the input'))).toEqual([]);
    expect(reported.length).toBeGreaterThan(0);
  });

  it('unrelated host names make no flow', async () => {
    const file = client({ UPSTREAM: 'https://api.example.com', NAME: 'nats' });
    expect(await verdicts(file)).toEqual({});
  });
});
