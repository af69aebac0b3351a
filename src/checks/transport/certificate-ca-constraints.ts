import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { certificateFields, describeCertificate, targetOf, type CertificateRole } from './certificates.js';

type MessageId = 'noPathLength' | 'linkerdNotCa';

const LINKERD_ROLES: Partial<Record<CertificateRole, string>> = { 'linkerd-anchors': 'a trust anchor', 'linkerd-issuer': 'its identity issuer' };

export default defineCheck({
  id: 'transport/certificate-ca-constraints',
  severity: 'low',
  side: 'operator',
  description: 'CA certificates in the input limit their path length, and Linkerd\'s trust anchors and identity issuer are CA certificates.',
  rationale:
    'A CA without a path length constraint can create further CAs of any depth, so a leaked intermediate key can mint a whole hierarchy that clients trust. Linkerd\'s identity issuer signs the proxies\' certificates, so it and the trust anchors must be CAs (basicConstraints CA true), and the issuer should have path length 0.',
  remediation: 'Issue CA certificates with a pathLenConstraint (0 for a CA that signs only leaf certificates), e.g. with `rampart pki ca --path-length 0` or `rampart pki linkerd`.',
  messages: {
    noPathLength: '{{where}}: {{certificate}} is a CA without a path length constraint.',
    linkerdNotCa: '{{where}}: {{certificate}} is not a CA certificate, so Linkerd cannot use it as {{role}}.',
  },
  limitations: ['Only certificates written in the input are seen: Secrets with tls.crt or ca.crt data, and Linkerd identity values.'],
  references: ['https://github.com/linkerd/linkerd2/blob/main/charts/linkerd-control-plane/values.yaml'],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const field of certificateFields(inventory)) {
      const linkerdRole = LINKERD_ROLES[field.role];
      field.chain.forEach((certificate, index) => {
        const data = { where: field.where, certificate: describeCertificate(field, index) };
        if (certificate.ca && certificate.pathLength === undefined) findings.push({ messageId: 'noPathLength', data, ...targetOf(field) });
        // Only the first certificate of the issuer field is the issuer; any others are its chain.
        const mustBeCa = linkerdRole !== undefined && (field.role === 'linkerd-anchors' || index === 0);
        if (mustBeCa && !certificate.ca) findings.push({ messageId: 'linkerdNotCa', data: { ...data, role: linkerdRole }, ...targetOf(field), severity: 'high' });
      });
    }
    return findings;
  },
});
