import { dump } from 'js-yaml';
import { isIP } from 'node:net';
import { checkWithinIssuer, createLeaf, MAX_COMMON_NAME_LENGTH, type CertificateAuthority } from './certificates.js';
import { PkiInputError } from './errors.js';
import type { OutputFile } from './files.js';
import { generateKeyPair, privateKeyPem, type KeyType } from './keys.js';

/**
 * Subdomains the platform chart serves next to the domain, by the component whose
 * `<component>.subdomain` value renames them: the UI, API, user management, package index and
 * presigned download links.
 */
export const PLATFORM_SUBDOMAINS = { ui2: 'www', api: 'api', ums: 'management', pypi: 'pypi', presigned: 'presigned' } as const;
export type PlatformComponent = keyof typeof PLATFORM_SUBDOMAINS;
export const DEFAULT_INGRESS_NAMESPACE = 'howso';
/** The Secret name the platform's published custom-certificate example uses for overrideIngressCerts.secretName. */
export const DEFAULT_INGRESS_SECRET = 'platform-custom-ingress-tls';
export const DEFAULT_INGRESS_DAYS = 365;

export interface IngressRequest {
  domain: string;
  /** Every DNS name and IP address of the certificate, the domain first, as ingressNames returns them. */
  names: string[];
  now: Date;
  days: number;
  keyType: KeyType;
  namespace: string;
  secretName: string;
  /** The CA that signs the certificate; without one the certificate is self-signed. */
  ca?: CertificateAuthority;
}

// RFC 1123 host names: labels of letters, digits and inner hyphens, at most 63 characters each
// and 253 in all. Wildcards are accepted only in --san, because the subdomains are listed explicitly.
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_LABEL_LENGTH = 63;
const MAX_DNS_NAME_LENGTH = 253;

/** Returns the domain in lower case, or throws when it is not a DNS name with at least two labels. */
export function validateDomain(domain: string): string {
  const name = domain.trim().toLowerCase().replace(/\.$/, '');
  checkDnsLengths(name, '--domain');
  const labels = name.split('.');
  const valid = labels.length >= 2 && labels.every((label) => LABEL.test(label)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
  if (!valid) throw new PkiInputError(`invalid --domain "${domain}": give a DNS name such as platform.example.com (letters, digits and hyphens, at least two labels)`);
  return name;
}

/** Validates a namespace: an RFC 1123 label of at most 63 characters, as the API server requires. */
export function validateNamespace(value: string, flag: string): string {
  if (value.length > MAX_LABEL_LENGTH) throw new PkiInputError(`invalid ${flag} "${shorten(value)}": it has ${value.length} characters, but a namespace has at most ${MAX_LABEL_LENGTH}`);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) throw new PkiInputError(`invalid ${flag} "${value}": a namespace contains only lower-case letters, digits and "-", and starts and ends with a letter or digit`);
  return value;
}

/** Validates a Kubernetes object name (RFC 1123 subdomain) given for a Secret. */
export function validateObjectName(value: string, flag: string): string {
  if (value.length > MAX_DNS_NAME_LENGTH) throw new PkiInputError(`invalid ${flag} "${shorten(value)}": it has ${value.length} characters, but an object name has at most ${MAX_DNS_NAME_LENGTH}`);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)) {
    throw new PkiInputError(`invalid ${flag} "${value}": use lower-case letters, digits, "-" and "."`);
  }
  return value;
}

/** Parses `--subdomain COMPONENT=LABEL`, the value the platform chart takes as `<component>.subdomain`. */
export function parseSubdomain(value: string): [PlatformComponent, string] {
  const components = Object.keys(PLATFORM_SUBDOMAINS);
  const [component, label] = value.split('=', 2);
  if (label === undefined || !components.includes(component)) {
    throw new PkiInputError(`invalid --subdomain "${value}": give COMPONENT=LABEL with COMPONENT one of ${components.join(', ')}, e.g. ui2=app`);
  }
  const lower = label.toLowerCase();
  if (!LABEL.test(lower)) throw new PkiInputError(`invalid --subdomain "${value}": ${component}'s subdomain must be one DNS label of at most ${MAX_LABEL_LENGTH} letters, digits and inner hyphens`);
  return [component as PlatformComponent, lower];
}

/** Returns an extra subjectAltName given with --san: an IP address, or a DNS name in lower case whose first label may be `*`. */
export function validateSan(value: string): string {
  if (isIP(value)) return value;
  const name = value.trim().toLowerCase().replace(/\.$/, '');
  checkDnsLengths(name, '--san');
  const labels = name.split('.');
  const valid = labels.every((label, index) => LABEL.test(label) || (index === 0 && label === '*' && labels.length >= 3));
  if (!valid) throw new PkiInputError(`invalid --san "${value}": give a DNS name such as files.example.com (letters, digits and hyphens; a wildcard only as "*." before two more labels) or an IP address`);
  return name;
}

/**
 * Lists the certificate's names: the domain, its subdomains (renamed as `renames` requests) and
 * the extra names, without repeats. Throws when a subdomain makes a name longer than DNS allows.
 */
export function ingressNames(domain: string, renames: Partial<Record<PlatformComponent, string>> = {}, extraNames: string[] = []): string[] {
  const subdomains = Object.entries(PLATFORM_SUBDOMAINS).map(([component, label]) => renames[component as PlatformComponent] ?? label);
  const names = [domain, ...subdomains.map((label) => `${label}.${domain}`)];
  const longest = names.reduce((a, b) => (b.length > a.length ? b : a));
  if (longest.length > MAX_DNS_NAME_LENGTH) {
    throw new PkiInputError(`--domain has ${domain.length} characters, so the host ${longest.split('.')[0]}.<domain> would have ${longest.length}, more than the ${MAX_DNS_NAME_LENGTH} a DNS name may have; give a shorter domain`);
  }
  return [...new Set([...names, ...extraNames])];
}

/**
 * Creates the ingress certificate for the request's names, the kubernetes.io/tls Secret that
 * overrideIngressCerts.secretName names, and the values snippet that sets it.
 */
export async function createIngressFiles(request: IngressRequest): Promise<OutputFile[]> {
  const commonName = request.domain.length <= MAX_COMMON_NAME_LENGTH ? request.domain : undefined;
  if (commonName === undefined && !request.ca) {
    throw new PkiInputError(
      `--domain has ${request.domain.length} characters, more than the ${MAX_COMMON_NAME_LENGTH} a common name may have, and a self-signed certificate needs a subject; sign it with --ca-cert and --ca-key, which leaves the subject empty and names the hosts only in subjectAltName`,
    );
  }
  if (request.ca) {
    const issuer = `the CA ${request.ca.source ? `in ${request.ca.source}` : request.ca.certificate.subject}`;
    checkWithinIssuer(request, request.ca.certificate.notAfter, { certificate: `the ingress certificate (--days ${request.days})`, issuer, daysFlag: '--days' });
  }
  const keyPair = await generateKeyPair(request.keyType);
  const leaf = await createLeaf({ ...(commonName ? { commonName } : {}), names: request.names, keyPair, now: request.now, days: request.days }, request.ca);

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
    { name: `${request.secretName}-secret.yaml`, content: `# The ingress certificate and its private key for ${request.names.join(', ')}.\n` + dump(secret, { lineWidth: -1 }), secret: true },
    { name: 'ingress-values.yaml', content: `# Values for the platform chart: serve the ingress with the Secret in ${request.secretName}-secret.yaml.\n` + dump(values, { lineWidth: -1 }), secret: false },
  ];
}

/** Throws with the length when a DNS name or one of its labels is longer than RFC 1035 allows. */
function checkDnsLengths(name: string, flag: string): void {
  if (name.length > MAX_DNS_NAME_LENGTH) throw new PkiInputError(`invalid ${flag} "${shorten(name)}": it has ${name.length} characters, but a DNS name has at most ${MAX_DNS_NAME_LENGTH}`);
  const long = name.split('.').find((label) => label.length > MAX_LABEL_LENGTH);
  if (long) throw new PkiInputError(`invalid ${flag}: its label "${shorten(long)}" has ${long.length} characters, but a DNS label has at most ${MAX_LABEL_LENGTH}`);
}

/** Cuts a long value for an error message, so that a 300-character mistake does not fill the terminal. */
function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}
