import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shortHash } from '../../../src/checks/secrets/detect.js';
import type { Finding } from '../../../src/checks/types.js';
import { auditFiles, ROOT } from '../../support/audit.js';

const fixtures = path.join(ROOT, 'test', 'checks', 'secrets');

async function findingsOf(checkId: string, file: string, namespace?: string): Promise<Finding[]> {
  const result = await auditFiles([path.join(fixtures, checkId.slice('secrets/'.length), file)], namespace ? { namespace } : {});
  return result.findings.filter((finding) => finding.checkId === checkId);
}

async function findingsOfText(checkId: string, yaml: string): Promise<Finding[]> {
  const result = await auditFiles(['-'], { namespace: 'howso', readStdin: async () => yaml });
  return result.findings.filter((finding) => finding.checkId === checkId);
}

// Every credential written into the fail fixtures of this folder.
const FIXTURE_SECRETS = [
  'Xq7-vLr2pWz9', 'wJalrXUtnFEMI', 's3nd-mail-2024', 'Tr4ce-Sh1p', '9fk2LmQz', 'b3BlbnNzaC1rZXktdjEAAAAA', 'Zm9vYmFyYmF6cXV4',
  'kV9-qLz4mR2x', 'Lw8-tYk3pQ1z', 'Hn2-xPq7kVb4', 'MIIEowIBAAKCAQEA', 'MIIKYQIBAzCCCicG', 'Pl4tf0rm-Us3r-K3y', 'rT6-mWq2zLx8', 'Vb7-kPz3',
  'minio123', 'bjRkLXg5cS1McGU3', 'n4d-x9q-Lpe7', 'bGljZW5zZTpsaWNlbnNl', 'TnY3UWQyWmtMcA', 'bTRSN3pYcTJWaw', 'YjdLcTJ4TTl2UDRu',
];

describe('secrets fixtures', () => {
  it('never print a credential', async () => {
    for (const slug of readdirSync(fixtures, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name)) {
      for (const file of readdirSync(path.join(fixtures, slug)).filter((name) => name.startsWith('fail'))) {
        const result = await auditFiles([path.join(fixtures, slug, file)], { namespace: 'howso' });
        const printed = result.findings.map((finding) => [finding.message, JSON.stringify(finding.data), finding.remediation, finding.path ?? ''].join('\n')).join('\n');
        for (const secret of FIXTURE_SECRETS) expect(printed, `${slug}/${file} prints ${secret}`).not.toContain(secret);
      }
    }
  });
});

describe('secrets/credential-in-values', () => {
  it('reports each inline credential by path, with a short hash', async () => {
    const findings = await findingsOf('secrets/credential-in-values', 'fail-inline-passwords.yaml');
    expect(findings.map((finding) => [finding.path, finding.messageId])).toEqual([
      ['datastores.postgres.ums.password', 'inline'],
      ['minio.accessKey', 'inline'],
      ['minio.secretKey', 'example'],
      ['extraEnv[0].value', 'inline'],
    ]);
    expect(findings[0].data).toEqual({ key: 'datastores.postgres.ums.password', what: 'a credential', hash: shortHash('Xq7-vLr2pWz9') });
    expect(findings[0].line).toBe(7);
  });

  it('reports credentials by shape with their kind', async () => {
    const findings = await findingsOf('secrets/credential-in-values', 'fail-by-shape.yaml');
    expect(findings.map((finding) => [finding.path, finding.data.what, finding.severity])).toEqual([
      ['opentelemetry.url', 'a URL with a password', 'high'],
      ['analytics.dsn', 'a connection string with a password', 'high'],
      ['git.deployKey', 'a PEM OPENSSH private key', 'high'],
      ['webhook.signing', 'a long random-looking string', 'medium'],
    ]);
    expect(findings[0].data.hash).toBe(shortHash('Tr4ce-Sh1p'));
  });

  it('reports a credential line inside a multi-line value', async () => {
    const [finding] = await findingsOfText('secrets/credential-in-values', 'config: |\n  port 6379\n  requirepass n4d-x9q-Lpe7\n');
    expect(finding.messageId).toBe('inText');
    expect(finding.data).toEqual({ key: 'config', what: 'a credential', line: 2, hash: shortHash('n4d-x9q-Lpe7') });
  });

  it('walks an aliased mapping once', async () => {
    const findings = await findingsOfText('secrets/credential-in-values', 'base: &base\n  password: n4d-x9q-Lpe7\ncopy: *base\n');
    expect(findings.map((finding) => finding.path)).toEqual(['base.password']);
  });
});

describe('secrets/credential-in-configmap', () => {
  it('names the key, the entry and the line inside the value', async () => {
    const findings = await findingsOf('secrets/credential-in-configmap', 'fail-config-files.yaml', 'howso');
    expect(findings.map((finding) => ({ messageId: finding.messageId, key: finding.data.key, entry: finding.data.entry, line: finding.data.line }))).toEqual([
      { messageId: 'inTextEntry', key: 'application.properties', entry: 'spring.datasource.password', line: 3 },
      { messageId: 'inTextEntry', key: 'redis.conf', entry: 'requirepass', line: 2 },
      { messageId: 'inText', key: 'tls.key', entry: undefined, line: 1 },
      { messageId: 'file', key: 'keystore.p12', entry: undefined, line: undefined },
    ]);
    expect(findings[2].data.what).toBe('a PEM RSA private key');
    expect(findings[3].data.field).toBe('binaryData');
  });

  it('gives the MinIO values switch as the fix', async () => {
    const [finding] = await findingsOf('secrets/credential-in-configmap', 'fail-minio-user-script.yaml', 'howso');
    expect(finding.messageId).toBe('inText');
    expect(finding.data.line).toBe(7);
    expect(finding.data.what).toBe('the secret key of a MinIO user or service account');
    expect(finding.remediation).toContain('users[].existingSecret');
  });

  it('searches decoded binaryData', async () => {
    const encoded = Buffer.from('[default]\naws_secret_access_key = n4d-x9q-Lpe7\n').toString('base64');
    const [finding] = await findingsOfText('secrets/credential-in-configmap', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws\nbinaryData:\n  config.ini: ${encoded}\n`);
    expect(finding.path).toBe('binaryData["config.ini"]');
    expect(finding.data.entry).toBe('aws_secret_access_key');
  });
});

describe('secrets/credential-in-env', () => {
  it('reports plain env values with the container and variable', async () => {
    const findings = await findingsOf('secrets/credential-in-env', 'fail-plain-password.yaml');
    expect(findings.map((finding) => [finding.messageId, finding.data.name, finding.data.what, finding.path])).toEqual([
      ['inline', 'POSTGRES_PASSWORD', 'a credential', 'spec.template.spec.containers[0].env[0].value'],
      ['inline', 'DATABASE_URL', 'a URL with a password', 'spec.template.spec.containers[0].env[1].value'],
      ['example', 'MINIO_ROOT_PASSWORD', 'a well-known example or default value', 'spec.template.spec.containers[0].env[2].value'],
    ]);
    expect(findings[0].data.container).toBe('api');
    expect(findings[0].remediation).toBe('Move the value of POSTGRES_PASSWORD into a Secret and reference it from container api with env[].valueFrom.secretKeyRef.');
  });
});

describe('secrets/secret-in-manifest', () => {
  it('lists the keys and which of them look like credentials', async () => {
    const [finding] = await findingsOf('secrets/secret-in-manifest', 'fail-opaque-data.yaml');
    expect(finding.messageId).toBe('manifest');
    expect(finding.severity).toBe('medium');
    expect(finding.data).toMatchObject({ count: 2, fields: 'data', keys: 'client-id, client-secret', assessment: 'credentials in client-secret' });
  });

  it('marks a Helm-rendered Secret and its release history', async () => {
    const [finding] = await findingsOf('secrets/secret-in-manifest', 'fail-string-data.yaml');
    expect(finding.messageId).toBe('helm');
    expect(finding.data.fields).toBe('stringData');
    expect(finding.path).toBe('stringData');
  });

  it('lowers a Secret that holds no recognisable credential', async () => {
    const yaml = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: contexts\nstringData:\n  default.json: |\n    {"url": "nats://platform-nats"}\n';
    const [finding] = await findingsOfText('secrets/secret-in-manifest', yaml);
    expect(finding.severity).toBe('low');
    expect(finding.data.assessment).toBe('none of them looks like a credential');
  });
});

describe('secrets/chart-generated-password', () => {
  it.each([
    ['fail-bitnami-postgresql-rendered.yaml', 'Bitnami PostgreSQL', 'postgres-password', 'read by StatefulSet howso/platform-postgres-postgresql', 'auth.existingSecret'],
    ['fail-bitnami-redis-rendered.yaml', 'Bitnami Redis', 'redis-password', 'read by StatefulSet howso/platform-redis-master', 'auth.existingSecret'],
    ['fail-minio-rendered.yaml', 'MinIO', 'rootUser, rootPassword', 'read by Deployment howso/platform-minio', 'set existingSecret'],
  ])('recognises the Secret that %s renders', async (file, chart, keys, usedBy, switchKey) => {
    const [finding] = await findingsOf('secrets/chart-generated-password', file, 'howso');
    expect(finding.messageId).toBe('rendered');
    expect(finding.data.chart).toBe(chart);
    expect(finding.data.keys).toBe(keys);
    expect(finding.data.usedBy).toBe(usedBy);
    expect(finding.remediation).toContain(switchKey);
  });

  it('recognises chart values, also as a subchart', async () => {
    const findings = await findingsOf('secrets/chart-generated-password', 'fail-values-without-existing-secret.yaml');
    expect(findings.map((finding) => [finding.data.chart, finding.path ?? ''])).toEqual([
      ['Bitnami PostgreSQL', 'auth'],
      ['Bitnami Redis', 'auth'],
      ['MinIO', ''],
      ['Bitnami PostgreSQL', 'postgresql.auth'],
    ]);
  });

  it('says when no workload reads the Secret', async () => {
    const yaml = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cache\n  labels:\n    helm.sh/chart: redis-23.1.1\ndata:\n  redis-password: bTRSN3pYcTJWaw==\n';
    const [finding] = await findingsOfText('secrets/chart-generated-password', yaml);
    expect(finding.data.usedBy).toBe('which no workload in the input reads');
  });

  it('leaves a Secret of another chart with the same key alone', async () => {
    const yaml = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cache\n  labels:\n    helm.sh/chart: keydb-0.48.0\ndata:\n  redis-password: bTRSN3pYcTJWaw==\n';
    expect(await findingsOfText('secrets/chart-generated-password', yaml)).toEqual([]);
  });
});
