import { at, isRecord, text } from '../../model/access.js';
import type { Inventory } from '../../model/inventory.js';
import { describeRef, type PathSegment, type Resource, type ValuesDocument } from '../../model/resource.js';
import { summarizeCertificate, type CertificateSummary } from '../../pki/inspect.js';
import { parsePem } from '../../pki/pem.js';

/** Role of a certificate field, for checks that judge Linkerd's anchor and issuer by Linkerd's rules. */
export type CertificateRole = 'tls' | 'ca-bundle' | 'linkerd-anchors' | 'linkerd-issuer';

/** A PEM field of the input that contains at least one readable certificate. */
export interface CertificateField {
  resource?: Resource;
  values?: ValuesDocument;
  path: PathSegment[];
  /** Readable name of the field: `Secret howso/platform-tls tls.crt`, `values identityTrustAnchorsPEM`. */
  where: string;
  role: CertificateRole;
  /** The certificates in the order the field lists them. */
  chain: CertificateSummary[];
}

// Secret keys that hold certificates by convention: kubernetes.io/tls Secrets and cert-manager's ca.crt.
const SECRET_KEYS: [string, CertificateRole][] = [
  ['tls.crt', 'tls'],
  ['ca.crt', 'ca-bundle'],
];

const cache = new WeakMap<Inventory, CertificateField[]>();

/** Finds the certificates in Secrets and in Linkerd identity values, parsing each field once per inventory. */
export function certificateFields(inventory: Inventory): CertificateField[] {
  const cached = cache.get(inventory);
  if (cached) return cached;

  const fields: CertificateField[] = [];
  for (const secret of inventory.secrets) {
    const body = secret.resource.body;
    for (const [key, role] of SECRET_KEYS) {
      for (const [section, encoded] of [['data', true] as const, ['stringData', false] as const]) {
        const value = text(at(body, section, key));
        if (value === undefined) continue;
        const chain = readCertificates(encoded ? decodeBase64(value) : value);
        if (chain.length > 0) fields.push({ resource: secret.resource, path: [section, key], where: `${describeRef(secret.resource)} ${key}`, role, chain });
      }
    }
  }

  // linkerd-control-plane chart values: identityTrustAnchorsPEM and identity.issuer.tls.crtPEM.
  for (const document of inventory.values) {
    const anchors = text(document.data.identityTrustAnchorsPEM);
    const anchorChain = anchors === undefined ? [] : readCertificates(anchors);
    if (anchorChain.length > 0) fields.push({ values: document, path: ['identityTrustAnchorsPEM'], where: 'values identityTrustAnchorsPEM', role: 'linkerd-anchors', chain: anchorChain });

    const issuer = isRecord(document.data.identity) ? text(at(document.data.identity, 'issuer', 'tls', 'crtPEM')) : undefined;
    const issuerChain = issuer === undefined ? [] : readCertificates(issuer);
    if (issuerChain.length > 0) fields.push({ values: document, path: ['identity', 'issuer', 'tls', 'crtPEM'], where: 'values identity.issuer.tls.crtPEM', role: 'linkerd-issuer', chain: issuerChain });
  }

  cache.set(inventory, fields);
  return fields;
}

/** Returns the finding target of a field: its resource or values document, and the path to it. */
export function targetOf(field: CertificateField): { resource?: Resource; values?: ValuesDocument; path: PathSegment[] } {
  return field.resource ? { resource: field.resource, path: field.path } : { values: field.values, path: field.path };
}

/** Names a certificate for messages by its subject, and by its position when the field contains several. */
export function describeCertificate(field: CertificateField, index: number): string {
  const subject = field.chain[index].subject || '(empty subject)';
  return field.chain.length > 1 ? `certificate ${index + 1} (${subject})` : `certificate ${subject}`;
}

/** Reads the certificates of a PEM text; certificates that do not parse are skipped here, and transport/certificate-unreadable reports those in Secrets. */
function readCertificates(pem: string): CertificateSummary[] {
  const chain: CertificateSummary[] = [];
  for (const block of parsePem(pem)) {
    if (block.label !== 'CERTIFICATE') continue;
    try {
      chain.push(summarizeCertificate(block.der));
    } catch {
      // Skipped: the other checks judge only certificates they can read.
    }
  }
  return chain;
}

function decodeBase64(value: string): string {
  return Buffer.from(value.replace(/\s+/g, ''), 'base64').toString('utf8');
}
