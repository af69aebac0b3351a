import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../../src/audit.js';
import { auditFiles, CORPUS } from '../../support/audit.js';

const AREA_CHECKS = ['identity/oidc-algorithm', 'identity/oidc-inline-client-secret', 'identity/oidc-plain-http'];

async function auditYaml(yaml: string): Promise<AuditResult> {
  return auditFiles(['-'], { readStdin: async () => yaml });
}

function findingsOf(result: AuditResult, checkId: string) {
  return result.findings.filter((finding) => finding.checkId === checkId);
}

describe('identity/oidc-plain-http', () => {
  const cases: [string, string, string | undefined][] = [
    // endpoint, messageId, severity
    ['http://idp.example.com/keys', 'public', 'high'],
    ['HTTP://idp.example.com/keys', 'public', 'high'],
    ['http://dex.dex.svc.cluster.local:5556/keys', 'inCluster', 'medium'],
    ['http://dex.dex.svc:5556/keys', 'inCluster', 'medium'],
    ['http://dex:5556/keys', 'inCluster', 'medium'],
    ['http://10.0.0.12/keys', 'public', 'high'],
    ['https://dex.local.howso.com/keys', '', undefined],
  ];
  for (const [endpoint, messageId, severity] of cases) {
    it(`judges ${endpoint}`, async () => {
      const findings = findingsOf(await auditYaml(`oidc:\n  enabled: true\n  jwksEndpoint: "${endpoint}"\n`), 'identity/oidc-plain-http');
      if (severity === undefined) {
        expect(findings).toEqual([]);
        return;
      }
      expect(findings.map((finding) => finding.messageId)).toEqual([messageId]);
      expect(findings[0].severity).toBe(severity);
      expect(findings[0].data.key).toBe('oidc.jwksEndpoint');
      expect(findings[0].path).toBe('oidc.jwksEndpoint');
    });
  }

  it('hides user information and query', async () => {
    const result = await auditYaml('oidc:\n  enabled: true\n  tokenEndpoint: "http://client:hunter2@idp.example.com/token?key=abc"\n');
    const [finding] = findingsOf(result, 'identity/oidc-plain-http');
    expect(finding.data.url).toBe('http://idp.example.com/token');
    expect(JSON.stringify(finding)).not.toContain('hunter2');
    expect(JSON.stringify(finding)).not.toContain('key=abc');
  });
});

describe('identity/oidc-inline-client-secret', () => {
  it('never prints the secret', async () => {
    const result = await auditYaml('oidc:\n  enabled: true\n  clientSecret: "s3cr3t-value-that-must-not-be-printed"\n');
    const findings = findingsOf(result, 'identity/oidc-inline-client-secret');
    expect(findings.map((finding) => [finding.messageId, finding.severity, finding.path, finding.line])).toEqual([['inline', 'high', 'oidc.clientSecret', 3]]);
    expect(JSON.stringify(result.findings)).not.toContain('s3cr3t');
  });

  it('rates a disabled block medium', async () => {
    const [finding] = findingsOf(await auditYaml('oidc:\n  clientSecret: abc\n'), 'identity/oidc-inline-client-secret');
    expect(finding.messageId).toBe('inlineDisabled');
    expect(finding.severity).toBe('medium');
  });

  for (const value of ['""', '"  "', '"${OIDC_SECRET}"', '"$OIDC_SECRET"', '"{{ .Env.OIDC_SECRET }}"', 'null']) {
    it(`skips ${value}`, async () => {
      expect(findingsOf(await auditYaml(`oidc:\n  enabled: true\n  clientSecret: ${value}\n`), 'identity/oidc-inline-client-secret')).toEqual([]);
    });
  }
});

describe('identity/oidc-algorithm', () => {
  const cases: [string, string | undefined, string | undefined][] = [
    ['RS256', undefined, undefined],
    ['" RS256 "', undefined, undefined],
    ['HS256', 'symmetric', 'high'],
    ['hs512', 'symmetric', 'high'],
    ['none', 'none', 'critical'],
    ['ES256', 'unsupported', 'medium'],
    ['rs256', 'unsupported', 'medium'],
    ['""', 'unsupported', 'medium'],
    ['256', 'invalid', 'medium'],
  ];
  for (const [value, messageId, severity] of cases) {
    it(`judges ${value}`, async () => {
      const findings = findingsOf(await auditYaml(`oidc:\n  enabled: true\n  algorithm: ${value}\n`), 'identity/oidc-algorithm');
      expect(findings.map((finding) => finding.messageId)).toEqual(messageId ? [messageId] : []);
      if (messageId) expect(findings[0].severity).toBe(severity);
    });
  }
});

// The platform's published OIDC example and the Dex values it is paired with.
describe('identity on the realworld values', () => {
  const values = path.join(CORPUS, 'realworld', 'values');

  it('pins howso-platform-oidc.yaml', async () => {
    const result = await auditFiles([path.join(values, 'howso-platform-oidc.yaml')]);
    const own = result.findings.filter((finding) => AREA_CHECKS.includes(finding.checkId));
    const rows = own.map((finding) => `${finding.checkId} ${finding.messageId} ${finding.severity} ${finding.path}`);
    expect(rows.sort()).toEqual([
      'identity/oidc-inline-client-secret inline high oidc.clientSecret',
      'identity/oidc-plain-http inCluster medium oidc.jwksEndpoint',
      'identity/oidc-plain-http inCluster medium oidc.tokenEndpoint',
      'identity/oidc-plain-http inCluster medium oidc.userinfoEndpoint',
    ]);
    expect(JSON.stringify(own)).not.toContain('your-client-secret-here');
  });

  it('finds nothing in dex-oidc-example.yaml', async () => {
    const result = await auditFiles([path.join(values, 'dex-oidc-example.yaml')]);
    expect(result.findings.filter((finding) => AREA_CHECKS.includes(finding.checkId))).toEqual([]);
  });

  it('passes other platform values', async () => {
    const others = ['howso-platform-basic.yaml', 'howso-platform-airgap.yaml', 'howso-platform-custom-ingress-cert.yaml', 'howso-platform-openshift.yaml'];
    const result = await auditFiles(others.map((name) => path.join(values, name)));
    expect(result.findings.filter((finding) => AREA_CHECKS.includes(finding.checkId))).toEqual([]);
  });
});

describe('identity checks on malformed objects', () => {
  it('run without failing', async () => {
    const yaml = `oidc: [1]
---
oidc:
  enabled: "TRUE"
  clientSecret: {nested: x}
  algorithm: [RS256]
  jwksEndpoint: "http://"
  tokenEndpoint: 5
`;
    const result = await auditFiles(['-'], { readStdin: async () => yaml, checkOptions: { allowedRegistries: ['registry.example.com'] } });
    const outcomes = result.outcomes.filter((outcome) => outcome.id.startsWith('identity/'));
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) expect(outcome, outcome.id).toMatchObject({ status: 'ran' });
  });
});
