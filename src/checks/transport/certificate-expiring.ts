import { EXPIRY_WARNING_DAYS, findCertificateProblems, isoDate } from '../../pki/inspect.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { certificateFields, describeCertificate, targetOf } from './certificates.js';

type MessageId = 'expired' | 'notYetValid' | 'expiring';

const DAY_MS = 24 * 3600 * 1000;

export default defineCheck({
  id: 'transport/certificate-expiring',
  severity: 'medium',
  side: 'operator',
  description: `Certificates in the input are valid now and for at least ${EXPIRY_WARNING_DAYS} more days.`,
  rationale:
    'An expired certificate stops every TLS connection that relies on it; an expired Linkerd trust anchor or identity issuer stops all meshed traffic, and proxies cannot renew their own certificates. Sixty days leave time to rotate, and `linkerd check` warns at the same margin (trust anchors and issuer valid for at least 60 days).',
  remediation: 'Rotate the certificate before it expires, and let cert-manager renew it automatically where possible (for Linkerd, `rampart pki linkerd --cert-manager`).',
  messages: {
    expired: '{{where}}: {{certificate}} expired on {{date}}.',
    notYetValid: '{{where}}: {{certificate}} is not valid before {{date}}.',
    expiring: '{{where}}: {{certificate}} expires on {{date}}, in {{days}} days.',
  },
  limitations: ['Only certificates written in the input are seen: kubernetes.io/tls and other Secrets with tls.crt or ca.crt data, and Linkerd identity values. Certificates that cert-manager or a Job creates in the cluster are not.'],
  references: ['https://github.com/linkerd/linkerd2/blob/main/pkg/issuercerts/issuercerts.go'],
  run(inventory, context) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const field of certificateFields(inventory)) {
      for (const warning of findCertificateProblems(field.chain, context.now)) {
        const certificate = field.chain[warning.index];
        const data = { where: field.where, certificate: describeCertificate(field, warning.index) };
        if (warning.code === 'expired') findings.push({ messageId: 'expired', data: { ...data, date: isoDate(certificate.notAfter) }, ...targetOf(field), severity: 'high' });
        else if (warning.code === 'not-yet-valid') findings.push({ messageId: 'notYetValid', data: { ...data, date: isoDate(certificate.notBefore) }, ...targetOf(field) });
        else if (warning.code === 'expiring') {
          const days = Math.floor((certificate.notAfter.getTime() - context.now.getTime()) / DAY_MS);
          findings.push({ messageId: 'expiring', data: { ...data, date: isoDate(certificate.notAfter), days }, ...targetOf(field) });
        }
      }
    }
    return findings;
  },
});
