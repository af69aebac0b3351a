import { dump } from 'js-yaml';
import { createLeaf, type CertificateAuthority } from './certificates.js';
import { PkiInputError } from './errors.js';
import type { OutputFile } from './files.js';
import { generateKeyPair, privateKeyPem, type KeyType } from './keys.js';

/** Subdomains the platform serves next to the domain itself: the UI, API, user management and package index. */
export const PLATFORM_SUBDOMAINS = ['www', 'api', 'management', 'pypi'] as const;
export const DEFAULT_INGRESS_NAMESPACE = 'howso';
/** The Secret name the platform's published custom-certificate example uses for overrideIngressCerts.secretName. */
export const DEFAULT_INGRESS_SECRET = 'platform-custom-ingress-tls';
export const DEFAULT_INGRESS_DAYS = 365;

export interface IngressRequest {
  domain: string;
  now: Date;
  days: number;
  keyType: KeyType;
  namespace: string;
  secretName: string;
  /** The CA that signs the certificate; without one the certificate is self-signed. */
  ca?: CertificateAuthority;
}

// RFC 1123 host names: labels of letters, digits and inner hyphens, at most 63 characters each
// and 253 in all, with at least two labels. Wildcards are not accepted because the subdomains
// are listed explicitly.
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Returns the domain in lower case, or throws when it is not a DNS name with at least two labels. */
export function validateDomain(domain: string): string {
  const name = domain.trim().toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  const valid = name.length > 0 && name.length <= 253 && labels.length >= 2 && labels.every((label) => LABEL.test(label)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
  if (!valid) throw new PkiInputError(`invalid --domain "${domain}": give a DNS name such as platform.example.com (letters, digits and hyphens, at least two labels)`);
  return name;
}

/** Validates a Kubernetes object name (RFC 1123 subdomain) given for a namespace or Secret. */
export function validateObjectName(value: string, flag: string): string {
  if (value.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)) {
    throw new PkiInputError(`invalid ${flag} "${value}": use lower-case letters, digits, "-" and "."`);
  }
  return value;
}

export function ingressNames(domain: string): string[] {
  return [domain, ...PLATFORM_SUBDOMAINS.map((subdomain) => `${subdomain}.${domain}`)];
}

/**
 * Creates the ingress certificate for the domain and the platform's subdomains, the
 * kubernetes.io/tls Secret that overrideIngressCerts.secretName names, and the values snippet
 * that sets it.
 */
export async function createIngressFiles(request: IngressRequest): Promise<OutputFile[]> {
  const keyPair = await generateKeyPair(request.keyType);
  const leaf = await createLeaf({ commonName: request.domain, names: ingressNames(request.domain), keyPair, now: request.now, days: request.days }, request.ca);

  const leafPem = leaf.toString('pem') + '\n';
  const keyPem = await privateKeyPem(keyPair);
  // Without a CA the certificate is its own trust anchor, so clients trust it directly.
  const caPem = request.ca ? request.ca.certificate.toString('pem') + '\n' : leafPem;

  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: request.secretName, namespace: request.namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': base64(leafPem), 'tls.key': base64(keyPem), 'ca.crt': base64(caPem) },
  };
  const values = { overrideIngressCerts: { secretName: request.secretName } };

  return [
    { name: 'tls.crt', content: leafPem, secret: false },
    { name: 'tls.key', content: keyPem, secret: true },
    { name: 'ca.crt', content: caPem, secret: false },
    { name: `${request.secretName}-secret.yaml`, content: `# The ingress certificate and its private key for ${ingressNames(request.domain).join(', ')}.\n` + dump(secret, { lineWidth: -1 }), secret: true },
    { name: 'ingress-values.yaml', content: `# Values for the platform chart: serve the ingress with the Secret in ${request.secretName}-secret.yaml.\n` + dump(values, { lineWidth: -1 }), secret: false },
  ];
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}
