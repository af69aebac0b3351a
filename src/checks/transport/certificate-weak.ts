import { MIN_RSA_BITS } from '../../pki/inspect.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { certificateFields, describeCertificate, targetOf } from './certificates.js';

type MessageId = 'weakSignature' | 'weakRsaKey' | 'linkerdNotP256';

export default defineCheck({
  id: 'transport/certificate-weak',
  severity: 'high',
  side: 'operator',
  description: `Certificates in the input are signed with SHA-256 or stronger and have RSA keys of at least ${MIN_RSA_BITS} bits; Linkerd's anchors and issuer use ECDSA P-256.`,
  rationale:
    'MD5 and SHA-1 signatures can be forged with chosen-prefix collisions, and RSA keys under 2048 bits give less than 112-bit security (NIST SP 800-57 Part 1, section 5.6.1). Linkerd (pkg/issuercerts in linkerd2) rejects trust anchors and identity issuers unless they have an ECDSA P-256 key and an ECDSA with SHA-256 signature.',
  remediation: 'Issue the certificate again with an ECDSA P-256 key (or RSA of 2048 bits or more) and a SHA-256 signature, e.g. with `rampart pki`.',
  messages: {
    weakSignature: '{{where}}: {{certificate}} is signed with {{algorithm}}.',
    weakRsaKey: '{{where}}: {{certificate}} has a {{bits}}-bit RSA key.',
    linkerdNotP256: '{{where}}: {{certificate}} has a {{key}} key signed with {{algorithm}}, but Linkerd requires an ECDSA P-256 key and an ecdsa-with-SHA256 signature.',
  },
  limitations: ['Only certificates written in the input are seen: Secrets with tls.crt or ca.crt data, and Linkerd identity values.'],
  references: ['https://github.com/linkerd/linkerd2/blob/main/pkg/issuercerts/issuercerts.go'],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const field of certificateFields(inventory)) {
      field.chain.forEach((certificate, index) => {
        const data = { where: field.where, certificate: describeCertificate(field, index) };
        if (/(md2|md5|sha1)/i.test(certificate.signatureAlgorithm)) findings.push({ messageId: 'weakSignature', data: { ...data, algorithm: certificate.signatureAlgorithm }, ...targetOf(field) });
        if (certificate.key.type === 'rsa' && certificate.key.bits !== undefined && certificate.key.bits < MIN_RSA_BITS) findings.push({ messageId: 'weakRsaKey', data: { ...data, bits: certificate.key.bits }, ...targetOf(field) });

        const linkerd = field.role === 'linkerd-anchors' || field.role === 'linkerd-issuer';
        if (linkerd && !(certificate.key.type === 'ec' && certificate.key.curve === 'P-256' && certificate.signatureAlgorithm === 'ecdsa-with-SHA256')) {
          const key = certificate.key.curve ? `EC ${certificate.key.curve}` : `${certificate.key.type.toUpperCase()}${certificate.key.bits ? ` ${certificate.key.bits}-bit` : ''}`;
          findings.push({ messageId: 'linkerdNotP256', data: { ...data, key, algorithm: certificate.signatureAlgorithm }, ...targetOf(field), fix: 'Create a new pair with `rampart pki linkerd --out DIR`.' });
        }
      });
    }
    return findings;
  },
});
