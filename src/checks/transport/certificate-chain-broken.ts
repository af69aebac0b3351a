import type { CertificateSummary } from '../../pki/inspect.js';
import { findCertificateProblems, isoDate } from '../../pki/inspect.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { certificateFields, describeCertificate, targetOf, type CertificateField } from './certificates.js';

type MessageId = 'broken' | 'outOfOrder' | 'outlivesIssuer' | 'linkerdIssuerNotFromAnchors' | 'linkerdIssuerOutlivesAnchor';

/** Fields that a server sends as its chain, where order matters; CA bundles and anchor lists are sets. */
const ORDERED_ROLES = new Set(['tls', 'linkerd-issuer']);

export default defineCheck({
  id: 'transport/certificate-chain-broken',
  severity: 'high',
  side: 'operator',
  description: 'Each certificate chain in the input links, leaf first, no certificate outlives its issuer, and Linkerd\'s identity issuer is signed by one of its trust anchors.',
  rationale:
    'A server that sends a chain whose certificates do not sign one another, or that sends an issuer before the certificate it signed, fails verification in clients that do not rebuild the path themselves (TLS 1.2 requires the sender\'s certificate first and each one after it to certify the one before). A certificate valid after its issuer expires fails from that day on, although its own dates look fine. When Linkerd\'s identity issuer is not signed by a trust anchor, proxies reject every certificate the issuer hands out and meshed traffic stops.',
  remediation: 'List the leaf first and each issuer after the certificate it signed, issue certificates that expire no later than their issuer, and sign Linkerd\'s identity issuer with a trust anchor given in identityTrustAnchorsPEM that outlives it.',
  messages: {
    broken: '{{where}}: {{certificate}} is not signed by the certificate after it ({{next}}).',
    outOfOrder: '{{where}}: {{certificate}} comes after its issuer {{issuer}}; the leaf must come first.',
    outlivesIssuer: '{{where}}: {{certificate}} is valid until {{notAfter}}, after its issuer {{issuer}} expires on {{issuerNotAfter}}.',
    linkerdIssuerNotFromAnchors: 'The Linkerd identity issuer {{issuer}} is not signed by any certificate in identityTrustAnchorsPEM of the same values.',
    linkerdIssuerOutlivesAnchor: 'The Linkerd identity issuer {{issuer}} is valid until {{notAfter}}, after its trust anchor {{anchor}} expires on {{anchorNotAfter}}.',
  },
  limitations: [
    'A self-signed certificate is taken to end a chain, so a bundle of root CAs is not reported.',
    'Order is judged only in tls.crt and the Linkerd issuer\'s crtPEM, because ca.crt and the trust anchors are sets, not chains.',
    'The issuer and anchors are compared only when one values document contains both.',
  ],
  references: ['https://linkerd.io/2/tasks/automatically-rotating-control-plane-tls-credentials/'],
  run(inventory, context) {
    const findings: FindingDraft<MessageId>[] = [];
    const fields = certificateFields(inventory);
    for (const field of fields) {
      // tls.crt and crtPEM are sent as chains, so any child after its issuer is out of order there, as on an endpoint.
      const order = ORDERED_ROLES.has(field.role) ? 'served' : 'bundle';
      for (const warning of findCertificateProblems(field.chain, context.now, undefined, order)) {
        const certificate = field.chain[warning.index];
        const data = { where: field.where, certificate: describeCertificate(field, warning.index) };
        if (warning.code === 'chain-broken') {
          findings.push({ messageId: 'broken', data: { ...data, next: field.chain[warning.index + 1].subject }, ...targetOf(field) });
        } else if (warning.code === 'chain-out-of-order' && ORDERED_ROLES.has(field.role)) {
          const issuer = field.chain.find((candidate, index) => index < warning.index && signs(candidate, certificate));
          findings.push({ messageId: 'outOfOrder', data: { ...data, issuer: issuer?.subject ?? '' }, ...targetOf(field) });
        } else if (warning.code === 'outlives-issuer') {
          const issuer = field.chain.find((candidate, index) => index !== warning.index && signs(candidate, certificate));
          const issuerData = { issuer: issuer?.subject ?? '', notAfter: isoDate(certificate.notAfter), issuerNotAfter: issuer ? isoDate(issuer.notAfter) : '' };
          findings.push({ messageId: 'outlivesIssuer', data: { ...data, ...issuerData }, ...targetOf(field), severity: 'medium' });
        }
      }
    }

    for (const issuerField of fields.filter((field) => field.role === 'linkerd-issuer')) {
      const anchors = fields.find((field) => field.role === 'linkerd-anchors' && field.values === issuerField.values);
      if (!anchors) continue;
      const issuer = issuerField.chain[0];
      const anchor = anchors.chain.find((candidate) => signs(candidate, issuer));
      if (!anchor && !signedThroughChain(issuerField, anchors)) {
        findings.push({ messageId: 'linkerdIssuerNotFromAnchors', data: { issuer: issuer.subject }, ...targetOf(issuerField) });
      } else if (anchor && issuer.notAfter.getTime() > anchor.notAfter.getTime()) {
        const data = { issuer: issuer.subject, notAfter: isoDate(issuer.notAfter), anchor: anchor.subject, anchorNotAfter: isoDate(anchor.notAfter) };
        findings.push({ messageId: 'linkerdIssuerOutlivesAnchor', data, ...targetOf(issuerField), severity: 'medium' });
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
