import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptionMap } from '../../src/transport/encryption.js';
import { networkPolicies } from '../../src/netpol/policy.js';
import { auditFiles, CORPUS } from '../support/audit.js';

const realworld = path.join(CORPUS, 'realworld');
const rendered = (name: string) => path.join(realworld, 'rendered', name);
const values = (name: string) => path.join(realworld, 'values', name);

function linkerdNamespace(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-ns-'));
  const file = path.join(folder, 'namespace.yaml');
  writeFileSync(file, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: howso\n  annotations:\n    linkerd.io/inject: enabled\n');
  return file;
}

describe('realworld corpus', () => {
  it('nats.yaml in a Linkerd namespace misses opaque port 4222', async () => {
    const result = await auditFiles([linkerdNamespace(), rendered('nats.yaml')], { namespace: 'howso' });
    const opaque = result.findings.filter((finding) => finding.checkId === 'transport/nats-opaque-ports');
    expect(opaque.map((finding) => finding.messageId).sort()).toEqual(['pods', 'service']);
    for (const finding of opaque) expect(finding.data.port).toBe(4222);
    const service = opaque.find((finding) => finding.messageId === 'service');
    expect(service?.resource).toMatchObject({ kind: 'Service', namespace: 'howso', name: 'platform-nats' });
  });

  it('nats-linkerd.yaml declares 4222 opaque', async () => {
    const result = await auditFiles([linkerdNamespace(), rendered('nats-linkerd.yaml')], { namespace: 'howso' });
    expect(result.findings.filter((finding) => finding.checkId === 'transport/nats-opaque-ports')).toEqual([]);
  });

  it('nats.yaml alone is a plaintext NATS flow', async () => {
    const result = await auditFiles([rendered('nats.yaml')], { namespace: 'howso' });
    const plaintext = result.findings.filter((finding) => finding.checkId === 'transport/plaintext-flow');
    expect(plaintext).toHaveLength(1);
    expect(plaintext[0].data.destination).toContain('platform-nats port 4222 (nats)');
  });

  it('nats-tls.yaml enforces TLS on 4222', async () => {
    const result = await auditFiles([rendered('nats-tls.yaml')], { namespace: 'howso' });
    const flows = encryptionMap(result.inventory).filter((entry) => entry.flow.port === 4222);
    expect(flows.map((entry) => entry.verdict)).toEqual(['tls']);
    expect(flows[0].tls?.verifiesClients).toBe(true);
  });

  it('postgres.yaml is plaintext, postgres-tls.yaml is TLS', async () => {
    const plain = await auditFiles([rendered('postgres.yaml')], { namespace: 'howso' });
    expect(encryptionMap(plain.inventory).map((entry) => entry.verdict)).toEqual(['plaintext']);
    expect(plain.findings.some((finding) => finding.checkId === 'transport/plaintext-flow')).toBe(true);

    const tls = await auditFiles([rendered('postgres-tls.yaml')], { namespace: 'howso' });
    const verdicts = encryptionMap(tls.inventory).map((entry) => entry.verdict);
    // TLS is on, but the chart's default pg_hba.conf still has host lines that accept plaintext.
    expect(verdicts).toEqual(['tls-optional']);
    expect(tls.findings.some((finding) => finding.checkId === 'transport/plaintext-flow')).toBe(false);
    expect(tls.findings.some((finding) => finding.checkId === 'transport/tls-optional-flow')).toBe(true);
  });

  it('sslmode require is medium, verify-ca is low', async () => {
    const require = await auditFiles([values('howso-platform-external-postgres-require.yaml')]);
    const requireFindings = require.findings.filter((finding) => finding.checkId === 'transport/postgres-sslmode');
    expect(requireFindings).toHaveLength(1);
    expect(requireFindings[0].severity).toBe('medium');
    expect(requireFindings[0].data).toMatchObject({ database: 'ums', mode: 'require' });
    expect(requireFindings[0].line).toBeGreaterThan(1);

    const verifyCa = await auditFiles([values('howso-platform-external-postgres-verify-ca.yaml')]);
    const verifyCaFindings = verifyCa.findings.filter((finding) => finding.checkId === 'transport/postgres-sslmode');
    expect(verifyCaFindings).toHaveLength(1);
    expect(verifyCaFindings[0].severity).toBe('low');
    expect(verifyCaFindings[0].data.mode).toBe('verify-ca');
  });

  it('Linkerd guide policies load, protocol-only port included', async () => {
    const result = await auditFiles([path.join(realworld, 'manifests')], { namespace: 'howso' });
    expect(result.inventory.problems).toEqual([]);
    const policies = networkPolicies(result.inventory);
    const names = policies.map((policy) => policy.resource.name);
    expect(names).toContain('deny-all-ingress');
    expect(names).toContain('platform-ums-ingress-policy');
    const ums = policies.find((policy) => policy.resource.name === 'platform-ums-ingress-policy');
    const ports = ums?.ingress[0].ports ?? [];
    expect(ports[ports.length - 1]).toEqual({ protocol: 'TCP' });
  });

  it('an inline OIDC client secret is reported once', async () => {
    const result = await auditFiles([values('howso-platform-oidc.yaml')]);
    const onSecret = result.findings.filter((finding) => finding.path === 'oidc.clientSecret');
    expect(onSecret.map((finding) => finding.checkId)).toEqual(['identity/oidc-inline-client-secret']);
  });

  it('objects without namespace land in the given namespace', async () => {
    const result = await auditFiles([rendered('minio-community.yaml')], { namespace: 'howso' });
    const minio = result.inventory.workloads.find((workload) => workload.name === 'platform-minio');
    expect(minio?.namespace).toBe('howso');
  });
});
