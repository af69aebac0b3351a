import { isIP, isIPv6 } from 'node:net';
import { connect, type DetailedPeerCertificate } from 'node:tls';
import { PkiInputError } from './errors.js';

export interface Endpoint {
  host: string;
  port: number;
}

/**
 * Parses `host:port` or `[ipv6]:port`; returns undefined when the text is not of that form. A
 * port outside 1–65535 is a PkiInputError, so that the message names the port, not the form.
 */
export function parseEndpoint(text: string): Endpoint | undefined {
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text) ?? /^([A-Za-z0-9.-]+):(\d+)$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) throw new PkiInputError(`invalid port ${match[2]} in ${text}: a TCP port is from 1 to 65535`);
  return { host: match[1], port };
}

/**
 * Rewrites an IPv6 address and port given without brackets, `fd00::1:443`, as `[fd00::1]:443`,
 * taking the last group as the port. Returns undefined for any other text.
 */
export function bracketedForm(text: string): string | undefined {
  const last = text.lastIndexOf(':');
  const host = text.slice(0, last);
  const port = text.slice(last + 1);
  if (last < 0 || !isIPv6(host) || !/^\d{1,5}$/.test(port)) return undefined;
  return `[${host}]:${port}`;
}

/**
 * Connects to the endpoint with TLS and returns the certificates it presents, leaf first, as DER.
 * The server's certificate is not verified, because the point is to look at it; SNI is the host
 * unless it is an IP address. Fails after `timeoutMs` without a completed handshake.
 */
export function fetchPeerCertificates(endpoint: Endpoint, timeoutMs: number): Promise<Buffer[]> {
  const address = `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: endpoint.host,
      port: endpoint.port,
      ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }),
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PkiInputError(`TLS handshake with ${address} timed out after ${timeoutMs / 1000} s; check that the port serves TLS, or raise --timeout`));
    }, timeoutMs);

    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const chain = chainOf(socket.getPeerCertificate(true));
      socket.end();
      if (chain.length === 0) reject(new PkiInputError(`${address} completed the TLS handshake without presenting a certificate`));
      else resolve(chain);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      if (PLAINTEXT_ERRORS.has(error.code ?? '')) reject(new PkiInputError(`the server at ${address} did not respond with TLS (it may serve plaintext)`));
      else reject(new PkiInputError(`cannot inspect ${address}: ${describeSocketError(error)}`));
    });
  });
}

// NOTE: Node links each certificate to its issuer among those the server sent, so this is the
// chain rebuilt by issuer, not the order on the wire: an out-of-order chain is not seen here.
function chainOf(peer: DetailedPeerCertificate): Buffer[] {
  const chain: Buffer[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = peer;
  // Node links a self-signed certificate to itself, so the walk stops at a certificate already seen.
  while (current && current.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(current.raw);
    current = current.issuerCertificate;
  }
  return chain;
}

// OpenSSL's errors when the first bytes from the server are not a TLS record, e.g. an HTTP
// response or a NATS INFO line. Node sets error.code to ERR_SSL_ and the OpenSSL reason.
const PLAINTEXT_ERRORS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST', 'ERR_SSL_UNKNOWN_PROTOCOL']);

function describeSocketError(error: NodeJS.ErrnoException & { reason?: unknown }): string {
  // Other OpenSSL errors carry a one-line reason, while their message is a raw error queue ending in a newline.
  if (error.code?.startsWith('ERR_SSL_') && typeof error.reason === 'string') return `TLS handshake failed: ${error.reason}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ECONNRESET':
      return 'connection reset by the server';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return error.message.split('\n')[0].trim();
  }
}
