import { at, bool, list, num, record, text } from '../../model/access.js';
import { describeRef } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';

type MessageId = 'smallRsaKey' | 'linkerdIssuerKey' | 'noNames' | 'rotationNever' | 'rotationUnset' | 'longDuration' | 'invalidDuration' | 'renewBeforeTooLong' | 'leafSignsCertificates';

const DAY_MS = 24 * 3600 * 1000;
/** Maximum validity of a publicly trusted server certificate under the CA/Browser Forum Baseline Requirements since September 2020. */
const MAX_LEAF_DAYS = 398;
const MIN_RSA_BITS = 2048;
/** cert-manager's defaults for spec.privateKey (cert-manager.io/v1 CertificatePrivateKey). */
const DEFAULT_ALGORITHM = 'RSA';
const DEFAULT_SIZE: Record<string, number> = { RSA: 2048, ECDSA: 256 };

export default defineCheck({
  id: 'transport/cert-manager-certificate',
  severity: 'medium',
  side: 'operator',
  description: 'cert-manager Certificates use strong keys that rotate on renewal, name their hosts, and renew well before they expire.',
  rationale:
    'cert-manager issues exactly what the Certificate asks for: a key below 2048 bits, a server certificate without DNS names (clients that ignore the common name reject it), or a private key kept across renewals (rotationPolicy Never, the default before cert-manager 1.18) weakens every connection that uses it. Linkerd accepts only ECDSA P-256 for its identity issuer.',
  remediation: 'Set spec.privateKey to algorithm ECDSA, size 256 and rotationPolicy Always, list every host name in spec.dnsNames, and keep spec.renewBefore shorter than spec.duration.',
  messages: {
    smallRsaKey: '{{certificate}} asks for a {{size}}-bit RSA key.',
    linkerdIssuerKey: '{{certificate}} issues Linkerd\'s identity issuer with a {{algorithm}} {{size}} key, but Linkerd requires ECDSA P-256.',
    noNames: '{{certificate}} is not a CA and lists no dnsNames, ipAddresses, uris or emailAddresses.',
    rotationNever: '{{certificate}} keeps its private key across renewals (privateKey.rotationPolicy: Never).',
    rotationUnset: '{{certificate}} leaves privateKey.rotationPolicy unset, which means Never before cert-manager 1.18 and Always from 1.18 on.',
    longDuration: '{{certificate}} is valid for {{days}} days, more than the {{limit}} days allowed for publicly trusted server certificates.',
    invalidDuration: '{{certificate}} has {{field}} "{{value}}", which is not a Go duration such as 2160h.',
    renewBeforeTooLong: '{{certificate}} renews {{renewBefore}} before expiry, which is not shorter than its duration {{duration}}.',
    leafSignsCertificates: '{{certificate}} is not a CA but asks for the "{{usage}}" usage.',
  },
  limitations: ['The key and validity are judged as written; defaults that an Issuer or a cert-manager policy applies in the cluster are not seen.'],
  references: [
    'https://linkerd.io/2/tasks/automatically-rotating-control-plane-tls-credentials/',
    'https://github.com/linkerd/linkerd2/blob/main/pkg/issuercerts/issuercerts.go',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const resource of inventory.ofKind('Certificate', 'cert-manager.io')) {
      const spec = record(resource.body.spec);
      const privateKey = record(spec.privateKey);
      const certificate = `Certificate ${describeRef(resource).replace(/^Certificate /, '')}`;
      const isCA = bool(spec.isCA) === true;
      const add = (messageId: MessageId, path: (string | number)[], data: Record<string, string | number> = {}, severity?: FindingDraft['severity']) =>
        findings.push({ messageId, data: { certificate, ...data }, resource, path: ['spec', ...path], ...(severity ? { severity } : {}) });

      const algorithm = (text(privateKey.algorithm) ?? DEFAULT_ALGORITHM).toUpperCase();
      const size = num(privateKey.size) ?? DEFAULT_SIZE[algorithm];
      if (algorithm === 'RSA' && size !== undefined && size < MIN_RSA_BITS) add('smallRsaKey', ['privateKey', 'size'], { size }, 'high');
      if (resource.name === 'linkerd-identity-issuer' && (algorithm !== 'ECDSA' || size !== 256)) {
        add('linkerdIssuerKey', ['privateKey'], { algorithm, size: size ?? 'default' }, 'high');
      }

      const rotationPolicy = text(privateKey.rotationPolicy);
      if (rotationPolicy === 'Never') add('rotationNever', ['privateKey', 'rotationPolicy'], {}, 'low');
      else if (rotationPolicy === undefined) add('rotationUnset', ['privateKey'], {}, 'info');

      const names = ['dnsNames', 'ipAddresses', 'uris', 'emailAddresses'].some((key) => list(spec[key]).length > 0);
      if (!isCA && !names) add('noNames', ['dnsNames']);

      for (const usage of list(spec.usages)) {
        if (!isCA && (usage === 'cert sign' || usage === 'crl sign')) add('leafSignsCertificates', ['usages'], { usage: String(usage) });
      }

      const duration = durationField(spec, 'duration', add);
      const renewBefore = durationField(spec, 'renewBefore', add);
      if (!isCA && duration !== undefined && duration > MAX_LEAF_DAYS * DAY_MS) add('longDuration', ['duration'], { days: Math.round(duration / DAY_MS), limit: MAX_LEAF_DAYS }, 'low');
      if (duration !== undefined && renewBefore !== undefined && renewBefore >= duration) {
        add('renewBeforeTooLong', ['renewBefore'], { renewBefore: String(spec.renewBefore), duration: String(spec.duration) });
      }
    }
    return findings;
  },
});

function durationField(spec: Record<string, unknown>, field: 'duration' | 'renewBefore', add: (messageId: MessageId, path: string[], data: Record<string, string | number>) => void): number | undefined {
  const value = at(spec, field);
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' ? parseGoDuration(value) : undefined;
  if (parsed === undefined) add('invalidDuration', [field], { field, value: String(value) });
  return parsed;
}

/** Parses a Go duration (`2160h`, `48h0m0s`, `90m`, `1.5h`) into milliseconds, as cert-manager reads spec.duration. */
export function parseGoDuration(value: string): number | undefined {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };
  if (!/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(value)) return undefined;
  let total = 0;
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) total += Number(match[1]) * units[match[2]];
  return total;
}
