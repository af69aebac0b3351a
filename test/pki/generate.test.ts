import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { createRootCa } from '../../src/pki/certificates.js';
import { generateKeyPair, privateKeyPem } from '../../src/pki/keys.js';
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

  it('covers presigned by default', () => {
    const out = path.join(work, 'ingress-self');
    expect(text(path.join(out, 'tls.crt'))).toContain('DNS:local.howso.com, DNS:www.local.howso.com, DNS:api.local.howso.com, DNS:management.local.howso.com, DNS:pypi.local.howso.com, DNS:presigned.local.howso.com');
  });

  it('adds --san names and renamed subdomains', () => {
    const out = path.join(work, 'ingress-renamed');
    const run = runCli(['pki', 'ingress', '--domain', 'local.howso.com', '--out', out, '--subdomain', 'ui2=app', '--subdomain', 'presigned=files', '--san', 'Extra.Example.com', '--san', '*.apps.example.com', '--san', '10.0.0.7', '--san', 'www.local.howso.com']);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const names = /X509v3 Subject Alternative Name:\s*\n\s*(.*)/.exec(text(path.join(out, 'tls.crt')))![1];
    expect(names.split(', ')).toEqual([
      'DNS:local.howso.com',
      'DNS:app.local.howso.com',
      'DNS:api.local.howso.com',
      'DNS:management.local.howso.com',
      'DNS:pypi.local.howso.com',
      'DNS:files.local.howso.com',
      'DNS:extra.example.com',
      'DNS:*.apps.example.com',
      'IP Address:10.0.0.7',
      'DNS:www.local.howso.com',
    ]);
  });

  it('rejects bad --san and --subdomain', () => {
    for (const args of [['--san', 'bad_name.example.com'], ['--san', '*.com'], ['--subdomain', 'www=app'], ['--subdomain', 'ui2'], ['--subdomain', 'ui2=a.b']]) {
      const run = runCli(['pki', 'ingress', '--domain', 'local.howso.com', '--out', path.join(work, 'never'), ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/^rampart: invalid --(san|subdomain)/);
    }
  });

  it('rejects a namespace that is not a label', () => {
    for (const namespace of ['a.b', 'a'.repeat(64)]) {
      const run = runCli(['pki', 'ingress', '--domain', 'local.howso.com', '--out', path.join(work, 'never'), '--namespace', namespace]);
      expect(run.code, namespace).toBe(2);
      expect(run.stderr, namespace).toMatch(/^rampart: invalid --namespace/);
    }
    expect(runCli(['pki', 'ingress', '--domain', 'local.howso.com', '--out', path.join(work, 'ingress-ns63'), '--namespace', 'a'.repeat(63)]).code).toBe(0);
  });

  it('rejects over-long domains by length', () => {
    const label = (letter: string) => letter.repeat(60);
    const domain245 = [label('a'), label('b'), label('c'), label('d'), 'co'].join('.').slice(0, 245);
    const tooLong = runCli(['pki', 'ingress', '--domain', domain245, '--out', path.join(work, 'never')]);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/^rampart: --domain has 245 characters, so the host management\.<domain> would have 256, more than the 253/);

    const longLabel = runCli(['pki', 'ingress', '--domain', `${'x'.repeat(64)}.example.com`, '--out', path.join(work, 'never')]);
    expect(longLabel.stderr).toMatch(/^rampart: invalid --domain: its label "x+…" has 64 characters, but a DNS label has at most 63/);

    const over253 = runCli(['pki', 'ingress', '--domain', `${label('a')}.${label('b')}.${label('c')}.${label('d')}.example.com`, '--out', path.join(work, 'never')]);
    expect(over253.stderr).toMatch(/it has 255 characters, but a DNS name has at most 253/);
  });

  it('keeps the common name within 64 characters', () => {
    const domain = `${'a'.repeat(60)}.example.com`;
    const selfSigned = runCli(['pki', 'ingress', '--domain', domain, '--out', path.join(work, 'never')]);
    expect(selfSigned.code).toBe(2);
    expect(selfSigned.stderr).toMatch(/^rampart: --domain has 72 characters, more than the 64 a common name may have/);

    const caOut = path.join(work, 'ingress-ca');
    const out = path.join(work, 'ingress-long');
    const run = runCli(['pki', 'ingress', '--domain', domain, '--out', out, '--ca-cert', path.join(caOut, 'ca.crt'), '--ca-key', path.join(caOut, 'ca.key')]);
    expect(run.code).toBe(0);
    const leaf = text(path.join(out, 'tls.crt'));
    expect(leaf).toMatch(/Subject: *\n/);
    expect(leaf).toMatch(/X509v3 Subject Alternative Name: critical/);
    expect(leaf).toContain(`DNS:presigned.${domain}`);
    expect(openssl('verify', '-x509_strict', '-CAfile', path.join(caOut, 'ca.crt'), path.join(out, 'tls.crt')).output).toContain('tls.crt: OK');
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

describe('validity within the CA', () => {
  async function writeCa(name: string, now: Date, days: number): Promise<string> {
    const folder = path.join(work, name);
    mkdirSync(folder);
    const keyPair = await generateKeyPair('ecdsa-p256');
    const certificate = await createRootCa({ commonName: name, keyPair, pathLength: 0, now, days });
    writeFileSync(path.join(folder, 'ca.crt'), certificate.toString('pem'));
    writeFileSync(path.join(folder, 'ca.key'), await privateKeyPem(keyPair));
    return folder;
  }

  function ingressWith(ca: string, ...args: string[]) {
    return runCli(['pki', 'ingress', '--domain', 'local.howso.com', '--out', path.join(work, `never-${path.basename(ca)}`), '--ca-cert', path.join(ca, 'ca.crt'), '--ca-key', path.join(ca, 'ca.key'), ...args]);
  }

  it('rejects an expired CA', async () => {
    const ca = await writeCa('expired-ca', new Date('2020-01-01T00:00:00Z'), 30);
    const run = ingressWith(ca);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`rampart: the CA certificate in ${path.join(ca, 'ca.crt')} expired on 2020-01-30T23:59:00.000Z; sign with a CA that is valid now\n`);
  });

  it('rejects a CA not yet valid', async () => {
    const ca = await writeCa('future-ca', new Date('2099-01-01T00:01:00Z'), 30);
    const run = ingressWith(ca);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`rampart: the CA certificate in ${path.join(ca, 'ca.crt')} is not valid before 2099-01-01T00:00:00.000Z; sign with a CA that is valid now\n`);
  });

  it('rejects a leaf outliving the CA', async () => {
    const ca = await writeCa('short-ca', new Date(), 30);
    const run = ingressWith(ca);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rampart: the ingress certificate \(--days 365\) would be valid until \d{4}-\d\d-\d\dT[\d:]+Z, after the CA in .*ca\.crt expires on \d{4}-\d\d-\d\dT[\d:]+Z; give --days (29|30) or less\n$/);
    expect(ingressWith(ca, '--days', '29').code).toBe(0);
  });

  it('rejects a Linkerd issuer outliving its anchor', () => {
    const run = runCli(['pki', 'linkerd', '--out', path.join(work, 'never'), '--anchor-days', '30']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rampart: the identity issuer \(--validity-days 365\) would be valid until .*, after the trust anchor \(--anchor-days 30\) expires on .*; give --validity-days 30 or less\n$/);
    expect(runCli(['pki', 'linkerd', '--out', path.join(work, 'linkerd-30'), '--anchor-days', '30', '--validity-days', '30']).code).toBe(0);
    expect(runCli(['pki', 'linkerd', '--out', path.join(work, 'never'), '--anchor-days', '1', '--cert-manager']).stderr).toMatch(/^rampart: with --cert-manager the identity issuer is valid 48 hours/);
  });
});

describe('--out under a file', () => {
  const file = path.join(work, 'a-file');

  it('is a usage error for every command', () => {
    writeFileSync(file, 'not a folder\n');
    const commands = [
      ['pki', 'ca', '--name', 'X'],
      ['pki', 'linkerd'],
      ['pki', 'ingress', '--domain', 'local.howso.com'],
      ['harden', 'netpol', path.join('examples', 'rendered', 'howso-platform.yaml')],
    ];
    for (const command of commands) {
      for (const out of [path.join(file, 'sub'), path.join(file, 'sub', 'deeper')]) {
        const run = runCli([...command, '--out', out]);
        expect(run.code, command.join(' ')).toBe(2);
        expect(run.stderr, command.join(' ')).toBe(`rampart: cannot create --out ${out}: ${file} is a file, not a folder\n`);
      }
    }
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

  it('rejects a common name over 64 characters', () => {
    const run = runCli(['pki', 'ca', '--out', path.join(work, 'never'), '--name', 'n'.repeat(200)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rampart: invalid --name: it has 200 characters, but a common name has at most 64\n');
    expect(runCli(['pki', 'ca', '--out', path.join(work, 'ca-64'), '--name', 'n'.repeat(64)]).code).toBe(0);
  });

  it('rejects bad numbers and key types', () => {
    for (const args of [['--days', '0'], ['--days', 'ten'], ['--path-length', '-1'], ['--key', 'dsa-1024']]) {
      const run = runCli(['pki', 'ca', '--out', path.join(work, 'never'), '--name', 'X', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
