import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { oidcBlocks } from './oidc.js';

type MessageId = 'unsupported' | 'symmetric' | 'none' | 'invalid';

/** The only ID token signing algorithm the platform supports. */
const SUPPORTED = 'RS256';

export default defineCheck({
  id: 'identity/oidc-algorithm',
  severity: 'medium',
  side: 'shared',
  description: `When OIDC is enabled, oidc.algorithm is ${SUPPORTED}, the only ID token signing algorithm the platform supports.`,
  rationale:
    'The platform supports only RS256, where ID tokens are verified with the identity provider\'s public RSA keys. Another algorithm either breaks sign-in or, for HS256 and none, lets anyone who knows the client secret (or anyone at all) create tokens that a verifier would accept.',
  remediation: `Set oidc.algorithm to ${SUPPORTED} and configure the identity provider to sign ID tokens for this client with RS256.`,
  messages: {
    unsupported: 'OIDC algorithm is {{algorithm}}, but the platform verifies ID tokens with RS256 only, so sign-in fails or relies on an unsupported path.',
    symmetric: 'OIDC algorithm is {{algorithm}}, an HMAC algorithm keyed with the client secret, so anyone who holds the secret can mint ID tokens. The platform supports RS256 only.',
    none: 'OIDC algorithm is "none", which means unsigned ID tokens. The platform supports RS256 only.',
    invalid: 'OIDC algorithm is {{algorithm}}, which is not a string. The platform expects RS256.',
  },
  limitations: ['A values document that leaves oidc.algorithm out gets the chart default, which is not judged.'],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const block of oidcBlocks(inventory)) {
      if (!block.enabled || !('algorithm' in block.oidc)) continue;
      const value = block.oidc.algorithm;
      const base = { values: block.values, path: ['oidc', 'algorithm'] };
      if (typeof value !== 'string') {
        findings.push({ ...base, messageId: 'invalid', data: { algorithm: JSON.stringify(value) ?? 'null' } });
        continue;
      }
      const algorithm = value.trim();
      if (algorithm === SUPPORTED) continue;
      if (algorithm.toLowerCase() === 'none') findings.push({ ...base, messageId: 'none', severity: 'critical' });
      else if (/^HS(256|384|512)$/i.test(algorithm)) findings.push({ ...base, messageId: 'symmetric', severity: 'high', data: { algorithm } });
      else findings.push({ ...base, messageId: 'unsupported', data: { algorithm: algorithm === '' ? '(empty)' : algorithm } });
    }
    return findings;
  },
});
