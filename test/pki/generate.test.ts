import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const work = mkdtempSync(path.join(tmpdir(), 'rampart-pki-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function openssl(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  if (run.error) throw new Error(`openssl did not run: ${run.error.message}`);
  return { status: run.status, output: run.stdout + run.stderr };
}

function text(file: string): string {
  return openssl('x509', '-in', file, '-noout', '-text').output;
}

function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

const DAY_MS = 24 * 3600 * 1000;

describe('pki linkerd', () => {
  const out = path.join(work, 'linkerd');
  const run = runCli(['pki', 'linkerd', '--out', out]);

  it('writes the anchor, issuer and values', () => {
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['ca.crt', 'ca.key', 'issuer.crt', 'issuer.key', 'linkerd-identity-values.yaml']);
  });

  it('issuer verifies against the anchor', () => {
    const verify = openssl('verify', '-x509_strict', '-CAfile', path.join(out, 'ca.crt'), path.join(out, 'issuer.crt'));
    expect(verify.output).toContain('issuer.crt: OK');
    expect(verify.status).toBe(0);
  });

  it('meets Linkerd requirements', () => {
    const anchor = text(path.join(out, 'ca.crt'));
    const issuer = text(path.join(out, 'issuer.crt'));
    for (const certificate of [anchor, issuer]) {
      expect(certificate).toContain('NIST CURVE: P-256');
      expect(certificate).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
      expect(certificate).toMatch(/Certificate Sign, CRL Sign/);
    }
    expect(anchor).toMatch(/CA:TRUE, pathlen:1/);
    expect(issuer).toMatch(/CA:TRUE, pathlen:0/);
    expect(issuer).toContain('Subject: CN = identity.linkerd.cluster.local');
    expect(issuer).toContain('Issuer: CN = root.linkerd.cluster.local');
    expect(issuer).toContain('DNS:identity.linkerd.cluster.local');
  });

  it('issuer is valid one year, anchor ten', () => {
    const validity = (file: string) => {
      const dates = openssl('x509', '-in', path.join(out, file), '-noout', '-startdate', '-enddate').output;
      const start = Date.parse(/notBefore=(.*)/.exec(dates)![1]);
      const end = Date.parse(/notAfter=(.*)/.exec(dates)![1]);
      return (end - start) / DAY_MS;
    };
    expect(validity('issuer.crt')).toBe(365);
    expect(validity('ca.crt')).toBe(3650);
  });

  it('values match the chart keys', () => {
    const values = load(readFileSync(path.join(out, 'linkerd-identity-values.yaml'), 'utf8')) as { identityTrustAnchorsPEM: string; identity: { issuer: { tls: { crtPEM: string; keyPEM: string } } } };
    expect(values.identityTrustAnchorsPEM).toBe(readFileSync(path.join(out, 'ca.crt'), 'utf8'));
    expect(values.identity.issuer.tls.crtPEM).toBe(readFileSync(path.join(out, 'issuer.crt'), 'utf8'));
    expect(values.identity.issuer.tls.keyPEM).toBe(readFileSync(path.join(out, 'issuer.key'), 'utf8'));
    expect(values.identity.issuer.tls.keyPEM).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  });

  it('private key files are mode 0600', () => {
    for (const file of ['ca.key', 'issuer.key', 'linkerd-identity-values.yaml']) expect(mode(path.join(out, file)), file).toBe(0o600);
    expect(mode(path.join(out, 'ca.crt'))).toBe(0o644 & ~process.umask());
  });

  it('never prints a private key', () => {
    expect(run.stdout + run.stderr).not.toMatch(/PRIVATE KEY/);
  });

  it('second run without --force writes nothing', () => {
    const before = readFileSync(path.join(out, 'issuer.crt'), 'utf8');
    const again = runCli(['pki', 'linkerd', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exist; use --force/);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(path.join(out, 'issuer.crt'), 'utf8')).toBe(before);
  });

  it('one existing target refuses all files', () => {
    const partial = path.join(work, 'linkerd-partial');
    runCli(['pki', 'ca', '--out', partial, '--name', 'Other']);
    const again = runCli(['pki', 'linkerd', '--out', partial]);
    expect(again.code).toBe(2);
    expect(readdirSync(partial).sort()).toEqual(['ca.crt', 'ca.key']);
  });

  it('--force replaces the files', () => {
    const before = readFileSync(path.join(out, 'issuer.crt'), 'utf8');
    const again = runCli(['pki', 'linkerd', '--out', out, '--force']);
    expect(again.code).toBe(0);
    expect(readFileSync(path.join(out, 'issuer.crt'), 'utf8')).not.toBe(before);
    expect(mode(path.join(out, 'issuer.key'))).toBe(0o600);
  });
});

describe('pki linkerd --cert-manager', () => {
  const out = path.join(work, 'linkerd-cm');
  const run = runCli(['pki', 'linkerd', '--out', out, '--cert-manager', '--anchor-days', '7300']);

  it('writes the anchor Secret and cert-manager resources', () => {
    expect(run.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['ca.crt', 'ca.key', 'linkerd-identity-issuer-cert-manager.yaml', 'linkerd-identity-values.yaml', 'linkerd-trust-anchor-secret.yaml']);
    expect(mode(path.join(out, 'linkerd-trust-anchor-secret.yaml'))).toBe(0o600);
  });

  it('rotates the issuer as Linkerd describes', () => {
    const [issuer, certificate] = readFileSync(path.join(out, 'linkerd-identity-issuer-cert-manager.yaml'), 'utf8').split('---\n').map((document) => load(document)) as Record<string, any>[];
    expect(issuer.kind).toBe('Issuer');
    expect(issuer.spec.ca.secretName).toBe('linkerd-trust-anchor');
    expect(certificate.kind).toBe('Certificate');
    expect(certificate.metadata).toEqual({ name: 'linkerd-identity-issuer', namespace: 'linkerd' });
    expect(certificate.spec.isCA).toBe(true);
    expect(certificate.spec.duration).toBe('48h');
    expect(certificate.spec.renewBefore).toBe('25h');
    expect(certificate.spec.privateKey).toEqual({ algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' });
    expect(certificate.spec.usages).toEqual(['cert sign', 'crl sign', 'server auth', 'client auth']);
  });

  it('values read the issuer from its Secret', () => {
    const values = load(readFileSync(path.join(out, 'linkerd-identity-values.yaml'), 'utf8')) as Record<string, any>;
    expect(values.identity.issuer.scheme).toBe('kubernetes.io/tls');
    expect(values.identity.externalCA).toBe(false);
    expect(values.identityTrustAnchorsPEM).toBe(readFileSync(path.join(out, 'ca.crt'), 'utf8'));
    expect(JSON.stringify(values)).not.toMatch(/PRIVATE KEY/);
  });

  it('anchor Secret holds the anchor pair', () => {
    const secret = load(readFileSync(path.join(out, 'linkerd-trust-anchor-secret.yaml'), 'utf8')) as Record<string, any>;
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(secret.data['tls.crt'], 'base64').toString()).toBe(readFileSync(path.join(out, 'ca.crt'), 'utf8'));
    expect(Buffer.from(secret.data['tls.key'], 'base64').toString()).toBe(readFileSync(path.join(out, 'ca.key'), 'utf8'));
  });

  it('audit of the bundle has no certificate findings', () => {
    const audit = runCli(['audit', out, '--format', 'json', '--fail-on', 'info']);
    const ids = (JSON.parse(audit.stdout) as { findings: { checkId: string }[] }).findings.map((finding) => finding.checkId);
    expect(ids.filter((id) => id.startsWith('transport/cert'))).toEqual([]);
  });
});

describe('pki ingress', () => {
  it('self-signed certificate verifies with its ca.crt', () => {
    const out = path.join(work, 'ingress-self');
    const run = runCli(['pki', 'ingress', '--domain', 'local.howso.com', '--out', out]);
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(out, 'ca.crt'), 'utf8')).toBe(readFileSync(path.join(out, 'tls.crt'), 'utf8'));
    const verify = openssl('verify', '-x509_strict', '-CAfile', path.join(out, 'ca.crt'), path.join(out, 'tls.crt'));
    expect(verify.output).toContain('tls.crt: OK');
  });

  it('CA-signed RSA certificate has the right usages', () => {
    const caOut = path.join(work, 'ingress-ca');
    expect(runCli(['pki', 'ca', '--out', caOut, '--name', 'Example Platform CA', '--key', 'rsa-3072']).code).toBe(0);
    const out = path.join(work, 'ingress-signed');
    const run = runCli(['pki', 'ingress', '--domain', 'local.howso.com', '--out', out, '--ca-cert', path.join(caOut, 'ca.crt'), '--ca-key', path.join(caOut, 'ca.key'), '--key', 'rsa-2048', '--secret-name', 'custom-tls', '--namespace', 'platform']);
    expect(run.stderr).toBe('rampart: wrote 5 files to ' + out + '\n');
    expect(run.code).toBe(0);

    const verify = openssl('verify', '-x509_strict', '-CAfile', path.join(caOut, 'ca.crt'), path.join(out, 'tls.crt'));
    expect(verify.output).toContain('tls.crt: OK');
    const leaf = text(path.join(out, 'tls.crt'));
    expect(leaf).toContain('DNS:local.howso.com, DNS:www.local.howso.com, DNS:api.local.howso.com, DNS:management.local.howso.com, DNS:pypi.local.howso.com');
    expect(leaf).toMatch(/Digital Signature, Key Encipherment/);
    expect(leaf).toMatch(/TLS Web Server Authentication/);
    expect(leaf).toMatch(/CA:FALSE/);
    expect(leaf).toContain('Public-Key: (2048 bit)');
  });

  it('Secret and values name the same Secret', () => {
    const out = path.join(work, 'ingress-signed');
    const secret = load(readFileSync(path.join(out, 'custom-tls-secret.yaml'), 'utf8')) as Record<string, any>;
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.metadata).toEqual({ name: 'custom-tls', namespace: 'platform' });
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
    expect(Buffer.from(secret.data['tls.key'], 'base64').toString()).toBe(readFileSync(path.join(out, 'tls.key'), 'utf8'));
    expect(mode(path.join(out, 'custom-tls-secret.yaml'))).toBe(0o600);
    expect(mode(path.join(out, 'tls.key'))).toBe(0o600);
    const values = load(readFileSync(path.join(out, 'ingress-values.yaml'), 'utf8'));
    expect(values).toEqual({ overrideIngressCerts: { secretName: 'custom-tls' } });
  });

  it('rejects an invalid domain', () => {
    for (const domain of ['localhost', 'bad_name.example.com', '-a.example.com', 'a..example.com', '*.example.com']) {
      const run = runCli(['pki', 'ingress', '--domain', domain, '--out', path.join(work, 'never')]);
      expect(run.code, domain).toBe(2);
      expect(run.stderr, domain).toMatch(/^rampart: invalid --domain/);
    }
  });

  it('rejects a key that does not match the CA', () => {
    const firstCa = path.join(work, 'ca-one');
    const secondCa = path.join(work, 'ca-two');
    runCli(['pki', 'ca', '--out', firstCa, '--name', 'One']);
    runCli(['pki', 'ca', '--out', secondCa, '--name', 'Two']);
    const run = runCli(['pki', 'ingress', '--domain', 'local.howso.com', '--out', path.join(work, 'never'), '--ca-cert', path.join(firstCa, 'ca.crt'), '--ca-key', path.join(secondCa, 'ca.key')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not belong to the certificate/);
  });

  it('rejects a leaf as --ca-cert', () => {
    const self = path.join(work, 'ingress-self');
    const run = runCli(['pki', 'ingress', '--domain', 'local.howso.com', '--out', path.join(work, 'never'), '--ca-cert', path.join(self, 'tls.crt'), '--ca-key', path.join(self, 'tls.key')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is not a CA certificate/);
  });
});

describe('pki ca', () => {
  it('writes a CA with the path length asked', () => {
    const out = path.join(work, 'ca-deep');
    const run = runCli(['pki', 'ca', '--out', out, '--name', 'Deep CA', '--days', '100', '--path-length', '2', '--key', 'rsa-4096']);
    expect(run.code).toBe(0);
    const certificate = text(path.join(out, 'ca.crt'));
    expect(certificate).toMatch(/CA:TRUE, pathlen:2/);
    expect(certificate).toContain('Public-Key: (4096 bit)');
    expect(certificate).toContain('Subject: CN = Deep CA');
    expect(mode(path.join(out, 'ca.key'))).toBe(0o600);
    expect(openssl('verify', '-x509_strict', '-CAfile', path.join(out, 'ca.crt'), path.join(out, 'ca.crt')).status).toBe(0);
  });

  it('rejects bad numbers and key types', () => {
    for (const args of [['--days', '0'], ['--days', 'ten'], ['--path-length', '-1'], ['--key', 'dsa-1024']]) {
      const run = runCli(['pki', 'ca', '--out', path.join(work, 'never'), '--name', 'X', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
