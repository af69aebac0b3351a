import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../../src/checks/transport/cert-manager-certificate.js';
import { auditFiles, ROOT } from '../../support/audit.js';

const folder = path.join(ROOT, 'test', 'checks');

async function findingsOf(checkId: string, file: string, now?: Date) {
  const result = await auditFiles([path.join(folder, checkId, file)], now ? { now } : {});
  return result.findings.filter((finding) => finding.checkId === checkId).map((finding) => ({ messageId: finding.messageId, data: finding.data, path: finding.path, severity: finding.severity }));
}

describe('certificate checks', () => {
  it('expired Secret certificate', async () => {
    const findings = await findingsOf('transport/certificate-expiring', 'fail-expired-secret.yaml');
    expect(findings).toEqual([{ messageId: 'expired', data: { where: 'Secret howso/old-tls tls.crt', certificate: 'certificate 1 (CN=old.howso.com)', date: '2020-01-01' }, path: 'data["tls.crt"]', severity: 'high' }]);
  });

  it('expiring Linkerd anchor', async () => {
    const findings = await findingsOf('transport/certificate-expiring', 'fail-linkerd-anchor-expiring.yaml');
    expect(findings).toEqual([{ messageId: 'expiring', data: { where: 'values identityTrustAnchorsPEM', certificate: 'certificate CN=root.linkerd.cluster.local', date: '2026-07-01', days: 30 }, path: 'identityTrustAnchorsPEM', severity: 'medium' }]);
  });

  it('valid certificate expires later', async () => {
    // tls.crt contains the leaf and the root, and ca.crt the root again.
    expect(await findingsOf('transport/certificate-expiring', 'pass-valid-secret.yaml', new Date('2124-12-01T00:00:00Z'))).toHaveLength(3);
    expect(await findingsOf('transport/certificate-expiring', 'pass-valid-secret.yaml', new Date('2024-12-01T00:00:00Z'))).toEqual(expect.arrayContaining([expect.objectContaining({ messageId: 'notYetValid' })]));
  });

  it('SHA-1 and RSA 1024', async () => {
    const findings = await findingsOf('transport/certificate-weak', 'fail-sha1-rsa1024.yaml');
    expect(findings.map((finding) => `${finding.messageId} ${finding.path}`).sort()).toEqual(['weakRsaKey data["ca.crt"]', 'weakSignature data["ca.crt"]', 'weakSignature data["tls.crt"]']);
    expect(findings.find((finding) => finding.messageId === 'weakSignature')?.data.algorithm).toBe('sha1WithRSAEncryption');
    expect(findings.find((finding) => finding.messageId === 'weakRsaKey')?.data.bits).toBe(1024);
  });

  it('RSA Linkerd anchor', async () => {
    const findings = await findingsOf('transport/certificate-weak', 'fail-linkerd-rsa-anchor.yaml');
    expect(findings).toEqual([expect.objectContaining({ messageId: 'linkerdNotP256', data: expect.objectContaining({ key: 'RSA 2048-bit', algorithm: 'sha256WithRSAEncryption' }) })]);
  });

  it('CA constraints', async () => {
    expect((await findingsOf('transport/certificate-ca-constraints', 'fail-ca-without-path-length.yaml')).map((finding) => finding.messageId)).toEqual(['noPathLength']);
    const issuer = await findingsOf('transport/certificate-ca-constraints', 'fail-linkerd-issuer-not-ca.yaml');
    expect(issuer).toEqual([{ messageId: 'linkerdNotCa', data: { where: 'values identity.issuer.tls.crtPEM', certificate: 'certificate CN=identity.linkerd.cluster.local', role: 'its identity issuer' }, path: 'identity.issuer.tls.crtPEM', severity: 'high' }]);
  });

  it('broken chains', async () => {
    expect(await findingsOf('transport/certificate-chain-broken', 'fail-unlinked-chain.yaml')).toEqual([
      expect.objectContaining({ messageId: 'broken', data: { where: 'Secret howso/platform-custom-ingress-tls tls.crt', certificate: 'certificate 1 (CN=local.howso.com)', next: 'CN=Unrelated CA' } }),
    ]);
    expect(await findingsOf('transport/certificate-chain-broken', 'fail-linkerd-issuer-other-anchor.yaml')).toEqual([
      expect.objectContaining({ messageId: 'linkerdIssuerNotFromAnchors', data: { issuer: 'CN=identity.linkerd.cluster.local' }, path: 'identity.issuer.tls.crtPEM' }),
    ]);
  });

  it('chain out of order', async () => {
    expect(await findingsOf('transport/certificate-chain-broken', 'fail-reversed-chain.yaml')).toEqual([
      { messageId: 'outOfOrder', data: { where: 'Secret howso/reversed-tls tls.crt', certificate: 'certificate 2 (CN=reversed.howso.com)', issuer: 'CN=Fixture Root CA' }, path: 'data["tls.crt"]', severity: 'high' },
    ]);
  });

  it('leaf outlives its CA', async () => {
    const findings = await findingsOf('transport/certificate-chain-broken', 'fail-leaf-outlives-ca.yaml');
    expect(findings).toEqual([
      {
        messageId: 'outlivesIssuer',
        data: { where: 'Secret howso/long-tls tls.crt', certificate: 'certificate 1 (CN=long.howso.com)', notAfter: '2126-11-10', issuer: 'CN=Fixture Short CA', issuerNotAfter: '2036-12-01' },
        path: 'data["tls.crt"]',
        severity: 'medium',
      },
    ]);
  });

  it('Linkerd issuer outlives its anchor', async () => {
    expect(await findingsOf('transport/certificate-chain-broken', 'fail-linkerd-issuer-outlives-anchor.yaml')).toEqual([
      {
        messageId: 'linkerdIssuerOutlivesAnchor',
        data: { issuer: 'CN=identity.linkerd.cluster.local', notAfter: '2126-11-10', anchor: 'CN=root.linkerd.cluster.local', anchorNotAfter: '2036-12-01' },
        path: 'identity.issuer.tls.crtPEM',
        severity: 'medium',
      },
    ]);
  });

  it('unreadable certificates in Secrets', async () => {
    const check = 'transport/certificate-unreadable';
    expect(await findingsOf(check, 'fail-random-bytes.yaml')).toEqual([{ messageId: 'noCertificate', data: { where: 'Secret howso/random-tls tls.crt' }, path: 'data["tls.crt"]', severity: 'medium' }]);
    expect(await findingsOf(check, 'fail-private-key-only.yaml')).toEqual([{ messageId: 'onlyPrivateKey', data: { where: 'Secret howso/key-only-tls tls.crt' }, path: 'stringData["tls.crt"]', severity: 'medium' }]);
    expect(await findingsOf(check, 'fail-not-base64.yaml')).toEqual([{ messageId: 'notBase64', data: { where: 'Secret howso/plain-tls tls.crt' }, path: 'data["tls.crt"]', severity: 'medium' }]);
    expect((await findingsOf(check, 'fail-bad-blocks.yaml')).map((finding) => [finding.messageId, finding.data.index])).toEqual([
      ['blockNotBase64', 1],
      ['notCertificate', 2],
    ]);
  });

  it('unreadable findings never show content', async () => {
    const result = await auditFiles([path.join(folder, 'transport/certificate-unreadable', 'fail-private-key-only.yaml')]);
    const finding = result.findings.find((candidate) => candidate.checkId === 'transport/certificate-unreadable');
    expect(finding?.message).toBe('Secret howso/key-only-tls tls.crt contains a private key but no certificate.');
    expect(JSON.stringify(finding)).not.toContain('AAAAAAAA');
  });

  it('leaf without SAN', async () => {
    expect(await findingsOf('transport/certificate-without-san', 'fail-no-san.yaml')).toEqual([expect.objectContaining({ messageId: 'noSan', data: { where: 'Secret howso/nosan-tls tls.crt', certificate: 'certificate 1 (CN=nosan.howso.com)' } })]);
  });

  it('cert-manager Certificate problems', async () => {
    const weak = await findingsOf('transport/cert-manager-certificate', 'fail-rsa-1024-never.yaml');
    expect(weak.map((finding) => [finding.messageId, finding.path, finding.severity])).toEqual([
      ['smallRsaKey', 'spec.privateKey.size', 'high'],
      ['rotationNever', 'spec.privateKey.rotationPolicy', 'low'],
    ]);
    expect((await findingsOf('transport/cert-manager-certificate', 'fail-no-dns-names.yaml')).map((finding) => finding.messageId)).toEqual(['noNames']);
    expect(await findingsOf('transport/cert-manager-certificate', 'fail-linkerd-issuer-rsa.yaml')).toEqual([
      expect.objectContaining({ messageId: 'linkerdIssuerKey', data: expect.objectContaining({ algorithm: 'RSA', size: 2048 }), severity: 'high' }),
    ]);
    expect((await findingsOf('transport/cert-manager-certificate', 'fail-renew-before-duration.yaml')).map((finding) => finding.messageId)).toEqual(['renewBeforeTooLong']);
  });

  it('Go durations', () => {
    expect(parseGoDuration('48h')).toBe(48 * 3600_000);
    expect(parseGoDuration('2160h0m0s')).toBe(2160 * 3600_000);
    expect(parseGoDuration('1.5h')).toBe(5400_000);
    expect(parseGoDuration('90d')).toBeUndefined();
    expect(parseGoDuration('')).toBeUndefined();
  });
});
