import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shortHash } from '../../../src/checks/secrets/detect.js';
import { main } from '../../../src/cli/main.js';
import { auditFiles, CORPUS } from '../../support/audit.js';

// The published values files and rendered charts of the platform's installation examples.

const realworld = path.join(CORPUS, 'realworld');
const valuesFolder = path.join(realworld, 'values');
const renderedFolder = path.join(realworld, 'rendered');

const DEX = path.join(valuesFolder, 'dex-oidc-example.yaml');
const DEX_CLIENT_SECRET = 'your-client-secret-here';
const DEX_PASSWORD_HASH = '$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W';

/**
 * What secrets/* reports for each published values file, as `check path`; every other file
 * reports nothing. oidc.clientSecret in howso-platform-oidc.yaml is reported by
 * identity/oidc-inline-client-secret instead.
 */
const EXPECTED_VALUES_FINDINGS: Record<string, string[]> = {
  'dex-oidc-example.yaml': ['secrets/credential-in-values config.staticClients[0].secret', 'secrets/credential-in-values config.staticPasswords[0].hash'],
};

describe('secrets on the realworld corpus', () => {

  describe('values files', () => {
    const files = readdirSync(valuesFolder).filter((name) => /\.ya?ml$/.test(name)).sort();

    it('include every file the expectations name', () => {
      for (const name of Object.keys(EXPECTED_VALUES_FINDINGS)) expect(files).toContain(name);
    });

    for (const name of files) {
      it(`${name} gives the pinned findings`, async () => {
        const result = await auditFiles([path.join(valuesFolder, name)]);
        const found = result.findings.filter((finding) => finding.area === 'secrets').map((finding) => `${finding.checkId} ${finding.path ?? ''}`);
        expect(found).toEqual(EXPECTED_VALUES_FINDINGS[name] ?? []);
      });
    }
  });

  describe('Dex example', () => {
    it('flags client secret and password hash', async () => {
      const result = await auditFiles([DEX]);
      const findings = result.findings.filter((finding) => finding.checkId === 'secrets/credential-in-values');
      const secret = findings.find((finding) => finding.path === 'config.staticClients[0].secret');
      const hash = findings.find((finding) => finding.path === 'config.staticPasswords[0].hash');

      expect(secret?.messageId).toBe('example');
      expect(secret?.data).toEqual({ key: 'config.staticClients[0].secret', what: 'a well-known example or default value', hash: shortHash(DEX_CLIENT_SECRET) });
      expect(secret?.line).toBe(14);
      expect(hash?.messageId).toBe('inline');
      expect(hash?.data).toEqual({ key: 'config.staticPasswords[0].hash', what: 'a bcrypt password hash', hash: shortHash(DEX_PASSWORD_HASH) });
      expect(hash?.line).toBe(21);
    });

    it('keeps values out of findings', async () => {
      const result = await auditFiles([DEX]);
      expect(result.findings.length).toBeGreaterThan(0);
      for (const finding of result.findings) {
        const printed = [finding.message, JSON.stringify(finding.data), finding.remediation].join('\n');
        expect(printed).not.toContain(DEX_CLIENT_SECRET);
        expect(printed).not.toContain(DEX_PASSWORD_HASH);
        // The salt and digest part of the hash, in case a message cut the prefix.
        expect(printed).not.toContain(DEX_PASSWORD_HASH.slice(7));
      }
    });

    it.each(['json', 'text'])('keeps them out of the CLI %s report', async (format) => {
      const output = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-dex-')), `report.${format}`);
      const code = await main(['audit', DEX, '--format', format, '--output', output, '--no-color']);
      const report = readFileSync(output, 'utf8');

      expect(code).toBe(1);
      expect(report).toContain('config.staticPasswords[0].hash');
      expect(report).toContain('config.staticClients[0].secret');
      expect(report).not.toContain(DEX_CLIENT_SECRET);
      expect(report).not.toContain(DEX_PASSWORD_HASH);
      expect(report).not.toContain(DEX_PASSWORD_HASH.slice(7));
    });
  });

  describe('rendered charts', () => {
    // These files were rendered with the published values, which set auth.existingSecret
    // (PostgreSQL, Redis) and existingSecret (MinIO): the charts render no Secret of their own,
    // and the workloads mount Secrets created outside the charts. The pod templates' checksum/secret
    // annotations are the SHA-256 of an empty render ("{}" for Redis, "\n" for MinIO).
    it.each([
      ['postgres.yaml', 'platform-postgres-postgresql'],
      ['redis.yaml', 'platform-redis'],
      ['minio-community.yaml', 'platform-minio'],
    ])('%s renders no password Secret', async (file, secretName) => {
      const result = await auditFiles([path.join(renderedFolder, file)], { namespace: 'howso' });
      const ids = result.findings.map((finding) => finding.checkId);

      expect(ids).not.toContain('secrets/chart-generated-password');
      expect(ids).not.toContain('secrets/secret-in-manifest');
      expect(result.inventory.secrets).toEqual([]);
      expect(JSON.stringify(result.inventory.workloads.map((workload) => workload.podSpec))).toContain(`"${secretName}"`);
    });

    it.each(['postgres-basic.yaml', 'redis-basic.yaml', 'minio-basic.yaml'])('%s names an existing Secret', async (file) => {
      const result = await auditFiles([path.join(valuesFolder, file)]);
      expect(result.findings.filter((finding) => finding.checkId === 'secrets/chart-generated-password')).toEqual([]);
    });

    it('minio-community.yaml ConfigMap default user password', async () => {
      const result = await auditFiles([path.join(renderedFolder, 'minio-community.yaml')], { namespace: 'howso' });
      const findings = result.findings.filter((finding) => finding.checkId === 'secrets/credential-in-configmap');

      expect(findings).toHaveLength(1);
      expect(findings[0].resource).toMatchObject({ kind: 'ConfigMap', namespace: 'howso', name: 'platform-minio' });
      expect(findings[0].path).toBe('data.add-user');
      expect(findings[0].data).toMatchObject({ key: 'add-user', line: 87, hash: shortHash('console123') });
      expect(findings[0].data.what).toBe('the secret key of a MinIO user or service account, a well-known example or default value');
      expect(findings[0].remediation).toContain('users[].existingSecret');
    });

    it('nats.yaml contexts Secret has no credential', async () => {
      const result = await auditFiles([path.join(renderedFolder, 'nats.yaml')], { namespace: 'howso' });
      const [finding] = result.findings.filter((entry) => entry.checkId === 'secrets/secret-in-manifest');

      expect(finding.resource).toMatchObject({ kind: 'Secret', name: 'platform-nats-box-contexts' });
      expect(finding.messageId).toBe('helm');
      expect(finding.severity).toBe('low');
      expect(finding.data.keys).toBe('default.json');
    });
  });
});
