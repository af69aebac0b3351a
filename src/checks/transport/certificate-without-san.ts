import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { certificateFields, describeCertificate, targetOf } from './certificates.js';

export default defineCheck({
  id: 'transport/certificate-without-san',
  severity: 'medium',
  side: 'operator',
  description: 'Server certificates in TLS Secrets name their hosts in the subjectAltName extension.',
  rationale:
    'Browsers and Go clients (since Go 1.15) check the host name only against the subjectAltName and ignore the common name, so a certificate without SANs fails their verification for every host.',
  remediation: 'Issue the certificate again with every host name as a DNS SAN, e.g. with `rampart pki ingress --domain DOMAIN` or a cert-manager Certificate with dnsNames.',
  messages: {
    noSan: '{{where}}: {{certificate}} has no subjectAltName.',
  },
  limitations: ['Only the first certificate of tls.crt (the server certificate) is checked; CA certificates are skipped.'],
  run(inventory) {
    const findings: FindingDraft<'noSan'>[] = [];
    for (const field of certificateFields(inventory)) {
      if (field.role !== 'tls') continue;
      const leaf = field.chain[0];
      if (leaf.ca || leaf.subjectAltNames.length > 0) continue;
      findings.push({ messageId: 'noSan', data: { where: field.where, certificate: describeCertificate(field, 0) }, ...targetOf(field) });
    }
    return findings;
  },
});
