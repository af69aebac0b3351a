import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, X509Certificate as NodeCertificate } from 'node:crypto';
import { signatureAlgorithmOf } from './der.js';

/** Fields of one certificate that `pki inspect` prints and the audit checks judge. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  /** SANs as `DNS:name`, `IP Address:addr`, … in the form OpenSSL and Node print them. */
  subjectAltNames: string[];
  notBefore: Date;
  notAfter: Date;
  key: { type: string; bits?: number; curve?: string };
  /** OpenSSL's name of the signature algorithm, e.g. `ecdsa-with-SHA256`, or its OID when unknown. */
  signatureAlgorithm: string;
  ca: boolean;
  /** basicConstraints pathLenConstraint; undefined when absent. */
  pathLength?: number;
  keyUsage: string[];
  extendedKeyUsage: string[];
  selfSigned: boolean;
  /** SHA-256 of the DER encoding, as colon-separated hex. */
  fingerprintSha256: string;
  /** Node's certificate object, for verifying the chain. */
  node: NodeCertificate;
}

export const WARNING_CODES = [
  'expired',
  'not-yet-valid',
  'expiring',
  'weak-signature',
  'weak-rsa-key',
  'ca-without-path-length',
  'leaf-without-san',
  'chain-broken',
  'chain-out-of-order',
  'outlives-issuer',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export interface CertificateWarning {
  code: WarningCode;
  /** Position of the certificate in the chain or file, 0-based. */
  index: number;
  message: string;
}

/** Certificates that expire within this many days are reported, as `linkerd check` does for its anchors and issuer. */
export const EXPIRY_WARNING_DAYS = 60;
/** RSA keys below this size give less than 112-bit security (NIST SP 800-57 Part 1, section 5.6.1). */
export const MIN_RSA_BITS = 2048;

const DAY_MS = 24 * 3600 * 1000;
const HASH_NAMES: Record<string, string> = { md2: 'MD2', md5: 'MD5', sha1: 'SHA-1' };

const KEY_USAGE_NAMES: [x509.KeyUsageFlags, string][] = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

const EXTENDED_KEY_USAGE_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** Reads one DER certificate; throws when it is not a certificate. */
export function summarizeCertificate(der: Uint8Array): CertificateSummary {
  const node = new NodeCertificate(der);
  const parsed = new x509.X509Certificate(der);

  const constraints = parsed.getExtension(x509.BasicConstraintsExtension);
  const keyUsage = parsed.getExtension(x509.KeyUsagesExtension);
  const extendedKeyUsage = parsed.getExtension(x509.ExtendedKeyUsageExtension);
  const details = node.publicKey.asymmetricKeyDetails ?? {};
  const keyType = node.publicKey.asymmetricKeyType ?? 'unknown';

  return {
    subject: parsed.subject,
    issuer: parsed.issuer,
    serialNumber: parsed.serialNumber,
    subjectAltNames: node.subjectAltName ? node.subjectAltName.split(', ') : [],
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
    key: {
      type: keyType,
      ...(details.modulusLength !== undefined ? { bits: details.modulusLength } : {}),
      ...(details.namedCurve !== undefined ? { curve: CURVE_NAMES[details.namedCurve] ?? details.namedCurve } : {}),
    },
    signatureAlgorithm: signatureAlgorithmOf(der),
    ca: constraints?.ca ?? false,
    ...(constraints?.pathLength !== undefined ? { pathLength: constraints.pathLength } : {}),
    keyUsage: keyUsage ? KEY_USAGE_NAMES.filter(([flag]) => (keyUsage.usages & flag) !== 0).map(([, name]) => name) : [],
    extendedKeyUsage: extendedKeyUsage ? extendedKeyUsage.usages.map((usage) => EXTENDED_KEY_USAGE_NAMES[String(usage)] ?? String(usage)) : [],
    // Not node.checkIssued(node): OpenSSL's check also wants keyCertSign, which a self-signed leaf lacks.
    selfSigned: parsed.subject === parsed.issuer && verifiesWith(node, node),
    fingerprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':'),
    node,
  };
}

/**
 * Source of the certificates. `served`: a chain as a server sends it, where each certificate must
 * come before its issuer. `bundle`: certificates read from a file, which may be a set of CA
 * certificates in any order (a trust anchor before the issuer it signed, as Linkerd's values list
 * them). In a bundle only a leaf after its issuer is out of order.
 */
export type CertificateOrder = 'served' | 'bundle';

/**
 * Lists what is wrong with each certificate and with the links between them. The certificates
 * should be in chain order, leaf first and then its issuers. A self-signed certificate ends a
 * chain, so a bundle of roots is not reported as a broken chain.
 */
export function findCertificateProblems(chain: CertificateSummary[], now: Date, expiryDays = EXPIRY_WARNING_DAYS, order: CertificateOrder = 'served'): CertificateWarning[] {
  const warnings: CertificateWarning[] = [];
  chain.forEach((certificate, index) => {
    const add = (code: WarningCode, message: string) => warnings.push({ code, index, message });
    const daysLeft = (certificate.notAfter.getTime() - now.getTime()) / DAY_MS;

    if (daysLeft < 0) add('expired', `expired on ${isoDate(certificate.notAfter)}`);
    else if (certificate.notBefore.getTime() > now.getTime()) add('not-yet-valid', `not valid before ${isoDate(certificate.notBefore)}`);
    else if (daysLeft < expiryDays) add('expiring', `expires on ${isoDate(certificate.notAfter)}, in ${Math.floor(daysLeft)} days (less than ${expiryDays})`);

    const weakHash = /(md2|md5|sha1)/i.exec(certificate.signatureAlgorithm);
    if (weakHash) add('weak-signature', `is signed with ${certificate.signatureAlgorithm}, and ${HASH_NAMES[weakHash[1].toLowerCase()]} signatures can be forged`);
    if (certificate.key.type === 'rsa' && certificate.key.bits !== undefined && certificate.key.bits < MIN_RSA_BITS) add('weak-rsa-key', `has a ${certificate.key.bits}-bit RSA key (at least ${MIN_RSA_BITS} needed)`);
    if (certificate.ca && certificate.pathLength === undefined) add('ca-without-path-length', 'is a CA without a path length constraint, so it can create CAs of any depth below it');
    if (!certificate.ca && certificate.subjectAltNames.length === 0) add('leaf-without-san', 'has no subjectAltName, so browsers and Go clients, which ignore the common name, reject it for every host name');

    if (certificate.selfSigned) return;
    const next = chain[index + 1];
    const signedByNext = next !== undefined && issues(next, certificate);
    if (next && !signedByNext) add('chain-broken', `is not signed by the next certificate (${next.subject}), so the chain does not link`);

    // TLS 1.2 (RFC 5246 section 7.4.2) requires the sender's certificate first and each following
    // certificate to certify the one before it, so an issuer listed before its subject is out of order.
    // A CA after its issuer is the usual order of a CA bundle, so only a served chain warns of it.
    const earlierIssuer = chain.findIndex((candidate, position) => position < index && issues(candidate, certificate));
    if (earlierIssuer >= 0 && (order === 'served' || !certificate.ca)) add('chain-out-of-order', `comes after its issuer [${earlierIssuer}] (${chain[earlierIssuer].subject}), but a chain lists the leaf first and each issuer after the certificate it signed`);

    let issuer: CertificateSummary | undefined;
    if (signedByNext) issuer = next;
    else if (earlierIssuer >= 0) issuer = chain[earlierIssuer];
    if (issuer && certificate.notAfter.getTime() > issuer.notAfter.getTime()) {
      add('outlives-issuer', `is valid until ${isoDate(certificate.notAfter)}, after its issuer (${issuer.subject}) expires on ${isoDate(issuer.notAfter)}, so the chain fails from that day on`);
    }
  });
  return warnings;
}

function issues(issuer: CertificateSummary, subject: CertificateSummary): boolean {
  return subject.node.checkIssued(issuer.node) && verifiesWith(subject.node, issuer.node);
}

function verifiesWith(subject: NodeCertificate, issuer: NodeCertificate): boolean {
  try {
    return subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
