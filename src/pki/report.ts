import { createPrivateKey } from 'node:crypto';
import { PkiInputError } from './errors.js';
import { findCertificateProblems, summarizeCertificate, type CertificateSummary, type CertificateWarning } from './inspect.js';
import { isPrivateKeyLabel, parsePem } from './pem.js';

/** Result of `pki inspect`: the certificates in order, the kinds of private keys found (never the keys), and the warnings. */
export interface Inspection {
  source: string;
  certificates: CertificateSummary[];
  privateKeys: string[];
  warnings: CertificateWarning[];
}

/** Reads a PEM text with one or more certificates, and throws PkiInputError when it contains none. */
export function inspectPemText(text: string, source: string, now: Date): Inspection {
  const blocks = parsePem(text);
  const certificates: CertificateSummary[] = [];
  const privateKeys: string[] = [];
  for (const block of blocks) {
    if (block.label === 'CERTIFICATE' || block.label === 'TRUSTED CERTIFICATE') {
      const position = certificates.length + 1;
      if (!block.validBase64) throw new PkiInputError(`${source}: certificate ${position} cannot be read: its PEM block is not valid base64`);
      try {
        certificates.push(summarizeCertificate(block.der));
      } catch {
        throw new PkiInputError(`${source}: certificate ${position} cannot be read: its PEM block does not decode to an X.509 certificate`);
      }
    } else if (isPrivateKeyLabel(block.label)) {
      privateKeys.push(privateKeyKind(block.label, block.der));
    }
  }
  if (certificates.length === 0) throw new PkiInputError(`${source} contains no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return { source, certificates, privateKeys, warnings: findCertificateProblems(certificates, now, undefined, 'bundle') };
}

/** Inspects certificates received from a TLS endpoint, leaf first. */
export function inspectDerChain(chain: Buffer[], source: string, now: Date): Inspection {
  const certificates = chain.map((der) => summarizeCertificate(der));
  return { source, certificates, privateKeys: [], warnings: findCertificateProblems(certificates, now, undefined, 'served') };
}

function privateKeyKind(label: string, der: Buffer): string {
  if (label === 'ENCRYPTED PRIVATE KEY') return 'encrypted PKCS #8';
  if (label === 'RSA PRIVATE KEY') return 'RSA';
  if (label === 'EC PRIVATE KEY') return 'EC';
  if (label === 'OPENSSH PRIVATE KEY') return 'OpenSSH';
  if (label === 'PRIVATE KEY') {
    try {
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).asymmetricKeyType?.toUpperCase() ?? 'unknown';
    } catch {
      return 'unreadable';
    }
  }
  return label.replace(/ PRIVATE KEY$/, '');
}

export function describeKey(key: CertificateSummary['key']): string {
  if (key.curve) return `${key.type.toUpperCase()} ${key.curve}`;
  if (key.bits !== undefined) return `${key.type.toUpperCase()} ${key.bits} bits`;
  return key.type.toUpperCase();
}

export function formatInspectionText(inspection: Inspection): string {
  const lines: string[] = [`${inspection.source}: ${plural(inspection.certificates.length, 'certificate')}`];
  inspection.certificates.forEach((certificate, index) => {
    lines.push('', `[${index}] ${certificate.subject} (${roleOf(certificate)})`);
    const fields: [string, string][] = [
      ['issuer', certificate.issuer],
      ['serial', certificate.serialNumber],
      ['subject alt names', certificate.subjectAltNames.join(', ') || 'none'],
      ['valid', `${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}`],
      ['key', describeKey(certificate.key)],
      ['basic constraints', certificate.ca ? `CA, path length ${certificate.pathLength ?? 'unlimited'}` : 'not a CA'],
      ['key usage', certificate.keyUsage.join(', ') || 'none'],
      ['extended key usage', certificate.extendedKeyUsage.join(', ') || 'none'],
      ['signature', certificate.signatureAlgorithm],
      ['SHA-256 fingerprint', certificate.fingerprintSha256],
    ];
    for (const [name, value] of fields) lines.push(`    ${name.padEnd(20)}${value}`);
  });
  for (const kind of inspection.privateKeys) lines.push('', `The file also contains a private key (${kind}); it is not shown.`);

  lines.push('');
  if (inspection.warnings.length === 0) lines.push('No warnings.');
  for (const warning of inspection.warnings) lines.push(`warning: [${warning.index}] ${inspection.certificates[warning.index].subject} ${warning.message}`);
  if (inspection.warnings.length > 0) lines.push(plural(inspection.warnings.length, 'warning'));
  return lines.join('\n') + '\n';
}

export function formatInspectionJson(inspection: Inspection): string {
  const json = {
    source: inspection.source,
    certificates: inspection.certificates.map(({ node: _node, notBefore, notAfter, ...certificate }) => ({ ...certificate, notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString() })),
    privateKeys: inspection.privateKeys.map((type) => ({ type })),
    warnings: inspection.warnings,
  };
  return JSON.stringify(json, null, 2) + '\n';
}

function roleOf(certificate: CertificateSummary): string {
  if (certificate.ca) return certificate.selfSigned ? 'root CA' : 'intermediate CA';
  return certificate.selfSigned ? 'self-signed leaf' : 'leaf';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

