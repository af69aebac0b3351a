import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bracketedForm } from '../../src/pki/endpoint.js';
import { findCertificateProblems, summarizeCertificate } from '../../src/pki/inspect.js';
import { parsePem } from '../../src/pki/pem.js';
import { runCli } from '../support/cli.js';

const work = mkdtempSync(path.join(tmpdir(), 'rampart-inspect-'));
const linkerd = path.join(work, 'linkerd');
const ingress = path.join(work, 'ingress');

beforeAll(() => {
  expect(runCli(['pki', 'linkerd', '--out', linkerd]).code).toBe(0);
  expect(runCli(['pki', 'ingress', '--domain', 'local.howso.com', '--out', ingress]).code).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface JsonInspection {
  certificates: { subject: string; issuer: string; subjectAltNames: string[]; key: { type: string; bits?: number; curve?: string }; ca: boolean; pathLength?: number; keyUsage: string[]; extendedKeyUsage: string[]; signatureAlgorithm: string; fingerprintSha256: string }[];
  privateKeys: { type: string }[];
  warnings: { code: string; index: number }[];
}

function inspectJson(target: string, ...flags: string[]): { code: number | null; json: JsonInspection; stderr: string } {
  const run = runCli(['pki', 'inspect', target, '--format', 'json', ...flags]);
  return { code: run.code, json: JSON.parse(run.stdout) as JsonInspection, stderr: run.stderr };
}

function openssl(...args: string[]): void {
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr}`);
}

describe('pki inspect on files', () => {
  it('reads a generated chain without warnings', () => {
    const chain = path.join(work, 'chain.pem');
    writeFileSync(chain, readFileSync(path.join(linkerd, 'issuer.crt'), 'utf8') + readFileSync(path.join(linkerd, 'ca.crt'), 'utf8'));
    const { code, json } = inspectJson(chain);
    expect(json.warnings).toEqual([]);
    expect(code).toBe(0);
    expect(json.certificates.map((certificate) => certificate.subject)).toEqual(['CN=identity.linkerd.cluster.local', 'CN=root.linkerd.cluster.local']);
    const [issuer] = json.certificates;
    expect(issuer.issuer).toBe('CN=root.linkerd.cluster.local');
    expect(issuer.key).toEqual({ type: 'ec', curve: 'P-256' });
    expect(issuer.ca).toBe(true);
    expect(issuer.pathLength).toBe(0);
    expect(issuer.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(issuer.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(issuer.subjectAltNames).toEqual(['DNS:identity.linkerd.cluster.local']);
    expect(issuer.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('prints the text report', () => {
    const run = runCli(['pki', 'inspect', path.join(ingress, 'tls.crt')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[0] CN=local.howso.com (self-signed leaf)');
    expect(run.stdout).toContain('DNS:api.local.howso.com');
    expect(run.stdout).toMatch(/extended key usage\s+serverAuth/);
    expect(run.stdout).toMatch(/No warnings\./);
  });

  it('names a private key without showing it', () => {
    const run = runCli(['pki', 'inspect', path.join(linkerd, 'linkerd-identity-values.yaml')]);
    expect(run.stdout).toContain('The file also contains a private key (EC); it is not shown.');
    expect(run.stdout + run.stderr).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    const keyBody = readFileSync(path.join(linkerd, 'issuer.key'), 'utf8').split('\n')[1];
    expect(run.stdout).not.toContain(keyBody);
  });

  it('warns on SHA-1 and RSA 1024', () => {
    const key = path.join(work, 'weak.key');
    const certificate = path.join(work, 'weak.crt');
    openssl('req', '-x509', '-newkey', 'rsa:1024', '-sha1', '-nodes', '-keyout', key, '-out', certificate, '-days', '3650', '-subj', '/CN=weak.example.test', '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'subjectAltName=DNS:weak.example.test');
    const { code, json } = inspectJson(certificate);
    expect(code).toBe(1);
    expect(json.certificates[0].signatureAlgorithm).toBe('sha1WithRSAEncryption');
    expect(json.certificates[0].key).toEqual({ type: 'rsa', bits: 1024 });
    expect(json.warnings.map((warning) => warning.code).sort()).toEqual(['weak-rsa-key', 'weak-signature']);
  });

  it('warns on expiry, missing SAN and path length', () => {
    const certificate = path.join(work, 'soon.crt');
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(work, 'soon.key'), '-out', certificate, '-days', '30', '-subj', '/CN=soon', '-addext', 'basicConstraints=critical,CA:TRUE');
    const { code, json } = inspectJson(certificate);
    expect(code).toBe(1);
    expect(json.warnings.map((warning) => warning.code).sort()).toEqual(['ca-without-path-length', 'expiring']);

    const leaf = path.join(work, 'nosan.crt');
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(work, 'nosan.key'), '-out', leaf, '-days', '365', '-subj', '/CN=nosan', '-addext', 'basicConstraints=critical,CA:FALSE');
    expect(inspectJson(leaf).json.warnings.map((warning) => warning.code)).toEqual(['leaf-without-san']);
  });

  it('warns on a chain that does not link', () => {
    const broken = path.join(work, 'broken.pem');
    const other = path.join(work, 'other-ca');
    expect(runCli(['pki', 'ca', '--out', other, '--name', 'Other CA']).code).toBe(0);
    writeFileSync(broken, readFileSync(path.join(linkerd, 'issuer.crt'), 'utf8') + readFileSync(path.join(other, 'ca.crt'), 'utf8'));
    const { code, json } = inspectJson(broken);
    expect(code).toBe(1);
    expect(json.warnings).toEqual([expect.objectContaining({ code: 'chain-broken', index: 0 })]);
  });

  it('warns on a leaf after its issuer', () => {
    const authority = path.join(work, 'leaf-ca');
    const signed = path.join(work, 'signed-leaf');
    expect(runCli(['pki', 'ca', '--out', authority, '--name', 'Leaf CA']).code).toBe(0);
    const ca = ['--ca-cert', path.join(authority, 'ca.crt'), '--ca-key', path.join(authority, 'ca.key')];
    expect(runCli(['pki', 'ingress', '--domain', 'reversed.howso.com', '--out', signed, ...ca]).code).toBe(0);
    const reversed = path.join(work, 'reversed.pem');
    writeFileSync(reversed, readFileSync(path.join(authority, 'ca.crt'), 'utf8') + readFileSync(path.join(signed, 'tls.crt'), 'utf8'));
    const { code, json } = inspectJson(reversed);
    expect(code).toBe(1);
    expect(json.warnings).toEqual([expect.objectContaining({ code: 'chain-out-of-order', index: 1 })]);
    expect(runCli(['pki', 'inspect', reversed]).stdout).toContain('warning: [1] CN=reversed.howso.com comes after its issuer [0] (CN=Leaf CA)');
  });

  it('accepts a CA bundle in any order', () => {
    const bundle = path.join(work, 'anchor-then-issuer.pem');
    writeFileSync(bundle, readFileSync(path.join(linkerd, 'ca.crt'), 'utf8') + readFileSync(path.join(linkerd, 'issuer.crt'), 'utf8'));
    for (const file of [bundle, path.join(linkerd, 'linkerd-identity-values.yaml')]) {
      const { code, json } = inspectJson(file);
      expect(json.warnings, file).toEqual([]);
      expect(code, file).toBe(0);
      expect(json.certificates.map((certificate) => certificate.subject)).toEqual(['CN=root.linkerd.cluster.local', 'CN=identity.linkerd.cluster.local']);
    }
  });

  it('orders CAs only in served chains', () => {
    const [anchor, issuer] = ['ca.crt', 'issuer.crt'].map((file) => summarizeCertificate(parsePem(readFileSync(path.join(linkerd, file), 'utf8'))[0].der));
    const now = new Date();
    expect(findCertificateProblems([anchor, issuer], now, undefined, 'served')).toEqual([expect.objectContaining({ code: 'chain-out-of-order', index: 1 })]);
    expect(findCertificateProblems([anchor, issuer], now, undefined, 'bundle')).toEqual([]);
    expect(findCertificateProblems([issuer, anchor], now, undefined, 'served')).toEqual([]);
  });

  it('warns when a certificate outlives its issuer', () => {
    const ca = path.join(work, 'short-ca');
    expect(runCli(['pki', 'ca', '--out', ca, '--name', 'Short CA', '--days', '100']).code).toBe(0);
    const leaf = path.join(work, 'long-leaf.crt');
    openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(work, 'long-leaf.key'), '-out', path.join(work, 'long-leaf.csr'), '-subj', '/CN=long.example.test');
    writeFileSync(path.join(work, 'long-leaf.ext'), 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:long.example.test\n');
    openssl('x509', '-req', '-in', path.join(work, 'long-leaf.csr'), '-CA', path.join(ca, 'ca.crt'), '-CAkey', path.join(ca, 'ca.key'), '-CAcreateserial', '-days', '365', '-extfile', path.join(work, 'long-leaf.ext'), '-out', leaf);
    const chain = path.join(work, 'long-chain.pem');
    writeFileSync(chain, readFileSync(leaf, 'utf8') + readFileSync(path.join(ca, 'ca.crt'), 'utf8'));
    const { code, json } = inspectJson(chain);
    expect(code).toBe(1);
    expect(json.warnings).toEqual([expect.objectContaining({ code: 'outlives-issuer', index: 0 })]);
  });

  it('names a PEM block that is not base64', () => {
    const bad = path.join(work, 'bad-base64.pem');
    writeFileSync(bad, readFileSync(path.join(ingress, 'tls.crt'), 'utf8').replace(/\nMII/, '\nM!!'));
    const run = runCli(['pki', 'inspect', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`rampart: ${bad}: certificate 1 cannot be read: its PEM block is not valid base64\n`);
  });

  it('rejects a timeout outside its range', () => {
    for (const timeout of ['0', '601', 'soon']) {
      const run = runCli(['pki', 'inspect', path.join(ingress, 'tls.crt'), '--timeout', timeout]);
      expect(run.code, timeout).toBe(2);
      expect(run.stderr, timeout).toBe(`rampart: invalid --timeout "${timeout}": give a number of seconds greater than 0 and at most 600\n`);
    }
  });

  it('rejects input that is not PEM', () => {
    const notPem = path.join(work, 'not.pem');
    writeFileSync(notPem, 'hello\n');
    for (const target of [notPem, path.join(work, 'missing.pem'), work]) {
      const run = runCli(['pki', 'inspect', target]);
      expect(run.code, target).toBe(2);
      expect(run.stdout, target).toBe('');
      expect(run.stderr.trim().split('\n'), target).toHaveLength(1);
    }
  });
});

describe('pki inspect on endpoints', () => {
  let server: ChildProcess;
  let tlsPort: number;
  let silent: Server;
  let silentPort: number;
  let plaintext: ChildProcess;
  let plaintextPort: number;

  beforeAll(async () => {
    // The CLI runs synchronously and blocks this process, so the TLS server runs in its own process.
    const script = `
      const tls = require('node:tls'); const fs = require('node:fs');
      const server = tls.createServer({ key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]) }, (socket) => socket.end());
      server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
    server = spawn(process.execPath, ['-e', script, path.join(ingress, 'tls.key'), path.join(ingress, 'tls.crt')], { stdio: ['ignore', 'pipe', 'inherit'] });
    tlsPort = await new Promise<number>((resolve, reject) => {
      server.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      server.once('exit', (code) => reject(new Error(`TLS server exited with ${code}`)));
    });

    // A server that speaks first in plaintext, as NATS does with its INFO line.
    const plaintextScript = `
      const net = require('node:net');
      const server = net.createServer((socket) => socket.end('INFO {"server_id":"test"}\\r\\n'));
      server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
    plaintext = spawn(process.execPath, ['-e', plaintextScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    plaintextPort = await new Promise<number>((resolve, reject) => {
      plaintext.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      plaintext.once('exit', (code) => reject(new Error(`plaintext server exited with ${code}`)));
    });

    // The kernel accepts TCP connections but the server never sends a byte, so the TLS handshake can only time out.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    silentPort = (silent.address() as AddressInfo).port;
  });
  afterAll(() => {
    server?.kill();
    plaintext?.kill();
    silent?.close();
  });

  it('reads the served certificate', () => {
    const { code, json } = inspectJson(`127.0.0.1:${tlsPort}`);
    expect(json.certificates).toHaveLength(1);
    expect(json.certificates[0].subject).toBe('CN=local.howso.com');
    expect(json.certificates[0].fingerprintSha256).toBe(inspectJson(path.join(ingress, 'tls.crt')).json.certificates[0].fingerprintSha256);
    expect(code).toBe(0);
  });

  it('names a plaintext server', () => {
    const run = runCli(['pki', 'inspect', `127.0.0.1:${plaintextPort}`, '--timeout', '5']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`rampart: the server at 127.0.0.1:${plaintextPort} did not respond with TLS (it may serve plaintext)\n`);
  });

  it('times out on a silent port', () => {
    const started = Date.now();
    const run = runCli(['pki', 'inspect', `127.0.0.1:${silentPort}`, '--timeout', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rampart: TLS handshake with 127\.0\.0\.1:\d+ timed out after 1 s/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports a refused connection', async () => {
    // A port that was free a moment ago and is closed again refuses connections.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const run = runCli(['pki', 'inspect', `127.0.0.1:${port}`, '--timeout', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`rampart: cannot inspect 127.0.0.1:${port}: connection refused\n`);
  });

  it('rejects ports out of range', () => {
    for (const target of ['127.0.0.1:99999', '127.0.0.1:0', '[::1]:70000']) {
      const run = runCli(['pki', 'inspect', target]);
      expect(run.code, target).toBe(2);
      expect(run.stderr, target).toBe(`rampart: invalid port ${target.slice(target.lastIndexOf(':') + 1)} in ${target}: a TCP port is from 1 to 65535\n`);
    }
  });

  it('suggests brackets for IPv6 endpoints', () => {
    expect(bracketedForm('::1:18444')).toBe('[::1]:18444');
    expect(bracketedForm('fd00::1:443')).toBe('[fd00::1]:443');
    expect(bracketedForm('example.com:443')).toBeUndefined();
    expect(bracketedForm('::1')).toBeUndefined();
    const run = runCli(['pki', 'inspect', '::1:18444']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rampart: ::1:18444 is neither a file nor HOST:PORT; an IPv6 address takes its port after brackets, as [::1]:18444\n');
  });
});
