import type { CertificateSummary } from '../../pki/inspect.js';
import { findCertificateProblems } from '../../pki/inspect.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { certificateFields, describeCertificate, targetOf, type CertificateField } from './certificates.js';

type MessageId = 'broken' | 'linkerdIssuerNotFromAnchors';

export default defineCheck({
  id: 'transport/certificate-chain-broken',
  severity: 'high',
  side: 'operator',
  description: 'Each certificate chain in the input links, leaf first, and Linkerd\'s identity issuer is signed by one of its trust anchors.',
  rationale:
    'A server that sends a chain whose certificates do not sign one another fails verification in every client that does not already hold the missing certificate. When Linkerd\'s identity issuer is not signed by a trust anchor, proxies reject every certificate the issuer hands out and meshed traffic stops.',
  remediation: 'List the leaf first and each issuer after the certificate it signed, and sign Linkerd\'s identity issuer with the trust anchor given in identityTrustAnchorsPEM.',
  messages: {
    broken: '{{where}}: {{certificate}} is not signed by the certificate after it ({{next}}).',
    linkerdIssuerNotFromAnchors: 'The Linkerd identity issuer {{issuer}} is not signed by any certificate in identityTrustAnchorsPEM of the same values.',
  },
  limitations: [
    'A self-signed certificate is taken to end a chain, so a bundle of root CAs is not reported.',
    'The issuer and anchors are compared only when one values document contains both.',
  ],
  references: ['https://linkerd.io/2/tasks/automatically-rotating-control-plane-tls-credentials/'],
  run(inventory, context) {
    const findings: FindingDraft<MessageId>[] = [];
    const fields = certificateFields(inventory);
    for (const field of fields) {
      for (const warning of findCertificateProblems(field.chain, context.now)) {
        if (warning.code !== 'chain-broken') continue;
        const next = field.chain[warning.index + 1];
        findings.push({ messageId: 'broken', data: { where: field.where, certificate: describeCertificate(field, warning.index), next: next.subject }, ...targetOf(field) });
      }
    }

    for (const issuerField of fields.filter((field) => field.role === 'linkerd-issuer')) {
      const anchors = fields.find((field) => field.role === 'linkerd-anchors' && field.values === issuerField.values);
      if (!anchors) continue;
      const issuer = issuerField.chain[0];
      if (!anchors.chain.some((anchor) => signs(anchor, issuer)) && !signedThroughChain(issuerField, anchors)) {
        findings.push({ messageId: 'linkerdIssuerNotFromAnchors', data: { issuer: issuer.subject }, ...targetOf(issuerField) });
      }
    }
    return findings;
  },
});

function signs(issuer: CertificateSummary, subject: CertificateSummary): boolean {
  try {
    return subject.node.checkIssued(issuer.node) && subject.node.verify(issuer.node.publicKey);
  } catch {
    return false;
  }
}

/** True when the issuer field carries its own intermediates and the last of them is signed by an anchor. */
function signedThroughChain(issuerField: CertificateField, anchors: CertificateField): boolean {
  const last = issuerField.chain[issuerField.chain.length - 1];
  return issuerField.chain.length > 1 && anchors.chain.some((anchor) => signs(anchor, last));
}
