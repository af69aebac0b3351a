import { dump } from 'js-yaml';
import { checkWithinIssuer, createIntermediateCa, createRootCa, validityOf } from './certificates.js';
import { PkiInputError } from './errors.js';
import type { OutputFile } from './files.js';
import { generateKeyPair, privateKeyPem } from './keys.js';

// File and value names follow the linkerd-control-plane chart (charts/linkerd-control-plane/values.yaml
// in linkerd/linkerd2: identityTrustAnchorsPEM, identity.issuer.tls.crtPEM and keyPEM,
// identity.issuer.scheme, identity.externalCA) and Linkerd's task "Automatically Rotating Control
// Plane TLS Credentials" for the cert-manager resources.

export const LINKERD_NAMESPACE = 'linkerd';
/** The issuer's name for the default trust domain `cluster.local`; Linkerd verifies the issuer against it. */
export const LINKERD_ISSUER_NAME = 'identity.linkerd.cluster.local';
export const LINKERD_ANCHOR_NAME = 'root.linkerd.cluster.local';
export const LINKERD_VALUES_FILE = 'linkerd-identity-values.yaml';

export const DEFAULT_ANCHOR_DAYS = 3650;
/** Validity of the identity issuer that cert-manager rotates, as Linkerd's task page sets it. */
const CERT_MANAGER_ISSUER_HOURS = 48;
export const DEFAULT_ISSUER_DAYS = 365;

export interface LinkerdRequest {
  now: Date;
  anchorDays: number;
  issuerDays: number;
  /** Writes cert-manager resources that issue and rotate the identity issuer, instead of a static issuer. */
  certManager: boolean;
}

/**
 * Creates Linkerd's trust anchor (a self-signed root CA, path length 1) and, without cert-manager,
 * its identity issuer (an intermediate CA with path length 0), both ECDSA P-256 as Linkerd requires.
 */
export async function createLinkerdFiles(request: LinkerdRequest): Promise<OutputFile[]> {
  checkIssuerWithinAnchor(request);
  const anchorKey = await generateKeyPair('ecdsa-p256');
  // Path length 1: the anchor signs the issuer, and the issuer signs the proxies' leaf certificates.
  const anchor = await createRootCa({ commonName: LINKERD_ANCHOR_NAME, keyPair: anchorKey, pathLength: 1, now: request.now, days: request.anchorDays });
  const anchorPem = anchor.toString('pem') + '\n';
  const anchorKeyPem = await privateKeyPem(anchorKey);

  const files: OutputFile[] = [
    { name: 'ca.crt', content: anchorPem, secret: false },
    { name: 'ca.key', content: anchorKeyPem, secret: true },
  ];

  if (request.certManager) {
    files.push({ name: 'linkerd-trust-anchor-secret.yaml', content: anchorSecret(anchorPem, anchorKeyPem), secret: true });
    files.push({ name: 'linkerd-identity-issuer-cert-manager.yaml', content: certManagerResources(), secret: false });
    files.push({ name: LINKERD_VALUES_FILE, content: certManagerValues(anchorPem), secret: false });
    return files;
  }

  const issuerKey = await generateKeyPair('ecdsa-p256');
  const issuer = await createIntermediateCa(
    { commonName: LINKERD_ISSUER_NAME, dnsNames: [LINKERD_ISSUER_NAME], keyPair: issuerKey, pathLength: 0, now: request.now, days: request.issuerDays },
    { certificate: anchor, keyPair: anchorKey },
  );
  const issuerPem = issuer.toString('pem') + '\n';
  const issuerKeyPem = await privateKeyPem(issuerKey);
  files.push({ name: 'issuer.crt', content: issuerPem, secret: false });
  files.push({ name: 'issuer.key', content: issuerKeyPem, secret: true });
  // The values file contains the issuer's private key, so it is as secret as issuer.key.
  files.push({ name: LINKERD_VALUES_FILE, content: staticValues(anchorPem, issuerPem, issuerKeyPem), secret: true });
  return files;
}

/** Throws when the identity issuer would outlive the trust anchor that signs it. */
function checkIssuerWithinAnchor(request: LinkerdRequest): void {
  if (request.certManager) {
    // Each issuer cert-manager signs is valid CERT_MANAGER_ISSUER_HOURS, so a shorter anchor is outlived by the first one.
    if (request.anchorDays * 24 < CERT_MANAGER_ISSUER_HOURS) {
      throw new PkiInputError(`with --cert-manager the identity issuer is valid ${CERT_MANAGER_ISSUER_HOURS} hours, longer than the trust anchor (--anchor-days ${request.anchorDays}); give --anchor-days ${CERT_MANAGER_ISSUER_HOURS / 24} or more`);
    }
    return;
  }
  const anchorNotAfter = validityOf({ now: request.now, days: request.anchorDays }).notAfter;
  checkWithinIssuer({ now: request.now, days: request.issuerDays }, anchorNotAfter, {
    certificate: `the identity issuer (--validity-days ${request.issuerDays})`,
    issuer: `the trust anchor (--anchor-days ${request.anchorDays})`,
    daysFlag: '--validity-days',
  });
}

function staticValues(anchorPem: string, issuerPem: string, issuerKeyPem: string): string {
  const values = {
    identityTrustAnchorsPEM: anchorPem,
    identity: { issuer: { tls: { crtPEM: issuerPem, keyPEM: issuerKeyPem } } },
  };
  return '# Values for the linkerd-control-plane chart: the trust anchor and a static identity issuer.\n# This file contains the issuer private key.\n' + toYaml(values);
}

function certManagerValues(anchorPem: string): string {
  const values = {
    identityTrustAnchorsPEM: anchorPem,
    identity: {
      externalCA: false,
      issuer: { scheme: 'kubernetes.io/tls' },
    },
  };
  return (
    '# Values for the linkerd-control-plane chart: the trust anchor, with the identity issuer\n' +
    '# read from the Secret linkerd-identity-issuer that cert-manager keeps rotated.\n' +
    '# identity.externalCA stays false so that the chart creates the linkerd-identity-trust-roots\n' +
    '# ConfigMap; set it to true only when trust-manager or another tool creates that ConfigMap.\n' +
    toYaml(values)
  );
}

function anchorSecret(anchorPem: string, anchorKeyPem: string): string {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'linkerd-trust-anchor', namespace: LINKERD_NAMESPACE },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': base64(anchorPem), 'tls.key': base64(anchorKeyPem) },
  };
  return '# The trust anchor and its private key, for the cert-manager CA Issuer linkerd-trust-anchor.\n' + toYaml(secret);
}

function certManagerResources(): string {
  const issuer = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Issuer',
    metadata: { name: 'linkerd-trust-anchor', namespace: LINKERD_NAMESPACE },
    spec: { ca: { secretName: 'linkerd-trust-anchor' } },
  };
  const certificate = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'linkerd-identity-issuer', namespace: LINKERD_NAMESPACE },
    spec: {
      secretName: 'linkerd-identity-issuer',
      // Linkerd's task page uses 48h with renewal 25h before expiry, so the issuer is replaced about daily.
      duration: `${CERT_MANAGER_ISSUER_HOURS}h`,
      renewBefore: '25h',
      issuerRef: { name: 'linkerd-trust-anchor', kind: 'Issuer' },
      commonName: LINKERD_ISSUER_NAME,
      dnsNames: [LINKERD_ISSUER_NAME],
      isCA: true,
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['cert sign', 'crl sign', 'server auth', 'client auth'],
    },
  };
  return [issuer, certificate].map(toYaml).join('---\n');
}

function toYaml(value: object): string {
  return dump(value, { lineWidth: -1, noRefs: true });
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}
