import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { PkiInputError } from './errors.js';
import { isRsa, type SigningKeyPair } from './keys.js';

const DAY_MS = 24 * 3600 * 1000;
/** ub-common-name in RFC 5280 appendix A.1: a common name has at most 64 characters. */
export const MAX_COMMON_NAME_LENGTH = 64;
/** Certificates start a minute in the past, so that a peer whose clock is slightly behind accepts them at once. */
const BACKDATE_MS = 60 * 1000;

/** A CA that signs new certificates: its certificate and its key. */
export interface CertificateAuthority {
  certificate: x509.X509Certificate;
  keyPair: SigningKeyPair;
  /** File the CA was read from, e.g. the --ca-cert path, for messages. */
  source?: string;
}

export interface Validity {
  /** The moment of creation; certificates start a minute before it. */
  now: Date;
  days: number;
}

export interface CaRequest extends Validity {
  commonName: string;
  keyPair: SigningKeyPair;
  /** Maximum number of CAs allowed below this one; undefined leaves it unlimited. */
  pathLength?: number;
  /** DNS names for the subjectAltName extension, e.g. the identity name Linkerd verifies its issuer with. */
  dnsNames?: string[];
}

export interface LeafRequest extends Validity {
  /** Subject CN; without one the subject is empty and the subjectAltName extension critical, as RFC 5280 section 4.1.2.6 requires. */
  commonName?: string;
  /** DNS names and IP addresses for the subjectAltName extension. */
  names: string[];
  keyPair: SigningKeyPair;
  /** Adds clientAuth to serverAuth in the extended key usage. */
  clientAuth?: boolean;
}

/** Creates a self-signed root CA with keyCertSign and cRLSign. */
export async function createRootCa(request: CaRequest): Promise<x509.X509Certificate> {
  const { publicKey, privateKey } = request.keyPair.keys;
  return x509.X509CertificateGenerator.create({
    ...validityOf(request),
    serialNumber: randomSerial(),
    subject: nameOf(request.commonName),
    issuer: nameOf(request.commonName),
    publicKey,
    signingKey: privateKey,
    signingAlgorithm: request.keyPair.signingAlgorithm,
    extensions: [...caExtensions(request), await x509.SubjectKeyIdentifierExtension.create(publicKey), ...sanExtension(request.dnsNames ?? [])],
  });
}

/** Creates a CA signed by `issuer`, e.g. Linkerd's identity issuer with path length 0. */
export async function createIntermediateCa(request: CaRequest, issuer: CertificateAuthority): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    ...validityOf(request),
    serialNumber: randomSerial(),
    subject: nameOf(request.commonName),
    issuer: issuer.certificate.subject,
    publicKey: request.keyPair.keys.publicKey,
    signingKey: issuer.keyPair.keys.privateKey,
    signingAlgorithm: issuer.keyPair.signingAlgorithm,
    extensions: [...caExtensions(request), ...(await keyIdentifiers(request.keyPair, issuer)), ...sanExtension(request.dnsNames ?? [])],
  });
}

/**
 * Creates a TLS server certificate: digitalSignature (and keyEncipherment for RSA, which RSA
 * key exchange needs), serverAuth (and clientAuth when asked), and the names as SANs. Without
 * an issuer the certificate signs itself.
 */
export async function createLeaf(request: LeafRequest, issuer?: CertificateAuthority): Promise<x509.X509Certificate> {
  const usages = isRsa(request.keyPair.type) ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.digitalSignature;
  const extendedUsages = request.clientAuth ? [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth] : [x509.ExtendedKeyUsage.serverAuth];
  const signer = issuer ?? { certificate: undefined, keyPair: request.keyPair };
  const identifiers = issuer ? await keyIdentifiers(request.keyPair, issuer) : [await x509.SubjectKeyIdentifierExtension.create(request.keyPair.keys.publicKey)];
  const subject = request.commonName === undefined ? '' : nameOf(request.commonName);
  // A self-signed certificate is its own issuer, and RFC 5280 section 4.1.2.4 forbids an empty issuer name.
  if (!issuer && subject === '') throw new PkiInputError('a self-signed certificate needs a common name');
  return x509.X509CertificateGenerator.create({
    ...validityOf(request),
    serialNumber: randomSerial(),
    subject,
    issuer: signer.certificate?.subject ?? subject,
    publicKey: request.keyPair.keys.publicKey,
    signingKey: signer.keyPair.keys.privateKey,
    signingAlgorithm: signer.keyPair.signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      new x509.ExtendedKeyUsageExtension(extendedUsages, false),
      ...identifiers,
      ...sanExtension(request.names, subject === ''),
    ],
  });
}

function caExtensions(request: CaRequest): x509.Extension[] {
  return [new x509.BasicConstraintsExtension(true, request.pathLength, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)];
}

async function keyIdentifiers(subject: SigningKeyPair, issuer: CertificateAuthority): Promise<x509.Extension[]> {
  return [await x509.SubjectKeyIdentifierExtension.create(subject.keys.publicKey), await x509.AuthorityKeyIdentifierExtension.create(issuer.keyPair.keys.publicKey)];
}

function sanExtension(names: string[], critical = false): x509.Extension[] {
  if (names.length === 0) return [];
  return [new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value })), critical)];
}

/** Returns the validity period a certificate created with `validity` gets. */
export function validityOf(validity: Validity): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Math.floor((validity.now.getTime() - BACKDATE_MS) / 1000) * 1000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + validity.days * DAY_MS) };
}

/** Names of a certificate and its issuer and the flag that sets the certificate's days, for the message of checkWithinIssuer. */
export interface IssuerLimitNames {
  certificate: string;
  issuer: string;
  daysFlag: string;
}

/**
 * Throws when a certificate created with `validity` would be valid after its issuer expires:
 * clients reject the chain from the issuer's notAfter on, even while the certificate itself is valid. The
 * message gives both dates and the largest number of days that fits.
 */
export function checkWithinIssuer(validity: Validity, issuerNotAfter: Date, names: IssuerLimitNames): void {
  const { notBefore, notAfter } = validityOf(validity);
  if (notAfter.getTime() <= issuerNotAfter.getTime()) return;
  const maxDays = Math.floor((issuerNotAfter.getTime() - notBefore.getTime()) / DAY_MS);
  const advice = maxDays >= 1 ? `give ${names.daysFlag} ${maxDays} or less` : `${names.issuer} expires in less than a day, so use another`;
  throw new PkiInputError(`${names.certificate} would be valid until ${isoTime(notAfter)}, after ${names.issuer} expires on ${isoTime(issuerNotAfter)}; ${advice}`);
}

function isoTime(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

/** Builds `CN=<name>`, escaping the RFC 4514 special characters so that the name stays one attribute. */
function nameOf(commonName: string): string {
  return `CN=${commonName.replace(/([,+="\\<>;#])/g, '\\$1')}`;
}

/** 16 random bytes with the top bit clear, so that the serial is positive as RFC 5280 section 4.1.2.2 requires. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x10;
  return bytes.toString('hex');
}
