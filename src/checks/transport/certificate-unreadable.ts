import { at, text } from '../../model/access.js';
import { describeRef } from '../../model/resource.js';
import { summarizeCertificate } from '../../pki/inspect.js';
import { isPrivateKeyLabel, parsePem } from '../../pki/pem.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';

type MessageId = 'notBase64' | 'noCertificate' | 'onlyPrivateKey' | 'blockNotBase64' | 'notCertificate';

const CERTIFICATE_KEYS = ['tls.crt', 'ca.crt'];

export default defineCheck({
  id: 'transport/certificate-unreadable',
  severity: 'medium',
  side: 'operator',
  description: 'Every certificate in a Secret can be read: tls.crt of a kubernetes.io/tls Secret contains at least one PEM certificate, and each PEM certificate block decodes to an X.509 certificate.',
  rationale:
    'The API server checks that a kubernetes.io/tls Secret has tls.crt and tls.key but not what they contain, so random bytes or a private key in tls.crt are accepted. The server that mounts the Secret then cannot load it: it fails to start or to complete handshakes, or, like ingress-nginx, falls back to its default certificate, which clients do not trust. The other certificate checks judge only what they can read, so without this check such a Secret passes silently.',
  remediation: 'Put the PEM certificate chain, leaf first, in tls.crt (base64-encoded under data), and the private key only in tls.key, e.g. with `kubectl create secret tls NAME --cert=FILE --key=FILE` or `rampart pki ingress`.',
  messages: {
    notBase64: '{{where}} is not valid base64, so its certificate cannot be read.',
    noCertificate: '{{where}} contains no PEM certificate.',
    onlyPrivateKey: '{{where}} contains a private key but no certificate.',
    blockNotBase64: '{{where}}: PEM certificate {{index}} is not valid base64.',
    notCertificate: '{{where}}: PEM certificate {{index}} does not decode to an X.509 certificate.',
  },
  limitations: [
    'An empty value is not reported, because charts often render an empty Secret that a Job or cert-manager fills in the cluster.',
    'A ca.crt, and a tls.crt of a Secret of another type than kubernetes.io/tls, is reported only when it contains a PEM certificate block that cannot be read.',
    'Linkerd identity values are not read here: a template placeholder there is not a certificate.',
  ],
  references: ['https://kubernetes.io/docs/concepts/configuration/secret/#tls-secrets'],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const secret of inventory.secrets) {
      const isTls = secret.type === 'kubernetes.io/tls';
      for (const key of CERTIFICATE_KEYS) {
        for (const section of ['data', 'stringData'] as const) {
          const value = text(at(secret.resource.body, section, key));
          if (value === undefined || value.trim() === '') continue;
          const where = `${describeRef(secret.resource)} ${key}`;
          const add = (messageId: MessageId, data: Record<string, string | number> = {}) => findings.push({ messageId, data: { where, ...data }, resource: secret.resource, path: [section, key] });

          const compact = value.replace(/\s+/g, '');
          if (section === 'data' && !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
            add('notBase64');
            continue;
          }
          const blocks = parsePem(section === 'data' ? Buffer.from(compact, 'base64').toString('utf8') : value);
          const certificates = blocks.filter((block) => block.label === 'CERTIFICATE');
          certificates.forEach((block, index) => {
            if (!block.validBase64) add('blockNotBase64', { index: index + 1 });
            else if (!decodes(block.der)) add('notCertificate', { index: index + 1 });
          });

          // Only tls.crt of a kubernetes.io/tls Secret must hold a certificate; other keys may carry other formats.
          if (certificates.length > 0 || !isTls || key !== 'tls.crt') continue;
          add(blocks.some((block) => isPrivateKeyLabel(block.label)) ? 'onlyPrivateKey' : 'noCertificate');
        }
      }
    }
    return findings;
  },
});

function decodes(der: Buffer): boolean {
  try {
    summarizeCertificate(der);
    return true;
  } catch {
    return false;
  }
}
