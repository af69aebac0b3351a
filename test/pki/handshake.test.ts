import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const DOMAIN = 'platform.example.test';
const work = mkdtempSync(path.join(tmpdir(), 'rampart-handshake-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Connects to the server trusting only `ca`, and resolves with the error code or 'ok'. */
function handshake(port: number, servername: string, ca: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername, ca, rejectUnauthorized: true });
    socket.once('secureConnect', () => {
      socket.end();
      resolve('ok');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function listen(folder: string): Promise<Server> {
  const server = createServer({ key: readFileSync(path.join(folder, 'tls.key')), cert: readFileSync(path.join(folder, 'tls.crt')) }, (socket) => socket.end());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.each([
  ['self-signed', [] as string[]],
  ['CA-signed', ['--ca-cert', path.join(work, 'ca', 'ca.crt'), '--ca-key', path.join(work, 'ca', 'ca.key')]],
])('ingress certificate, %s', (_name, caFlags) => {
  const folder = path.join(work, caFlags.length > 0 ? 'signed' : 'self');
  let server: Server;
  let port: number;

  beforeAll(async () => {
    if (caFlags.length > 0) expect(runCli(['pki', 'ca', '--out', path.join(work, 'ca'), '--name', 'Handshake CA']).code).toBe(0);
    expect(runCli(['pki', 'ingress', '--domain', DOMAIN, '--out', folder, ...caFlags]).code).toBe(0);
    server = await listen(folder);
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies for every platform host', async () => {
    const ca = readFileSync(path.join(folder, 'ca.crt'), 'utf8');
    for (const host of [DOMAIN, `www.${DOMAIN}`, `api.${DOMAIN}`, `management.${DOMAIN}`, `pypi.${DOMAIN}`]) expect(await handshake(port, host, ca), host).toBe('ok');
  });

  it('fails for a host not in the SANs', async () => {
    const ca = readFileSync(path.join(folder, 'ca.crt'), 'utf8');
    expect(await handshake(port, `other.${DOMAIN}`, ca)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await handshake(port, 'example.com', ca)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('fails without the CA', async () => {
    const unrelated = path.join(work, `unrelated-${caFlags.length}`);
    expect(runCli(['pki', 'ca', '--out', unrelated, '--name', 'Unrelated']).code).toBe(0);
    expect(await handshake(port, `api.${DOMAIN}`, readFileSync(path.join(unrelated, 'ca.crt'), 'utf8'))).not.toBe('ok');
  });
});
