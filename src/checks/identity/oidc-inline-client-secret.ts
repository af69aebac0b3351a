import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { oidcBlocks } from './oidc.js';

type MessageId = 'inline' | 'inlineDisabled';

export default defineCheck({
  id: 'identity/oidc-inline-client-secret',
  severity: 'high',
  side: 'shared',
  description: 'The OIDC client secret is not written inline in a values file (oidc.clientSecret).',
  rationale:
    'The client secret proves to the identity provider that a request comes from the platform. Written in a values file it ends up in version control, in CI logs of helm commands, and in every Helm release Secret, where anyone who can read Secrets in the namespace finds it.',
  remediation: 'Remove oidc.clientSecret from the values file, pass it at install time from a secret store (for example --set oidc.clientSecret="$(…)" in the pipeline), and rotate the secret at the identity provider if the file has been shared.',
  messages: {
    inline: 'OIDC is enabled and oidc.clientSecret is set inline in the values, so the client secret is stored in this file and in Helm\'s release history.',
    inlineDisabled: 'oidc.clientSecret is set inline in the values although OIDC is not enabled here, so a client secret is stored in this file and in Helm\'s release history.',
  },
  limitations: [
    'Values written as a variable reference for substitution before Helm runs (${VAR}, $VAR, {{ … }}) are not reported.',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const block of oidcBlocks(inventory)) {
      const secret = block.oidc.clientSecret;
      if (!isInlineValue(secret)) continue;
      findings.push({
        messageId: block.enabled ? 'inline' : 'inlineDisabled',
        severity: block.enabled ? 'high' : 'medium',
        values: block.values,
        path: ['oidc', 'clientSecret'],
      });
    }
    return findings;
  },
});

function isInlineValue(value: unknown): boolean {
  if (typeof value === 'number') return true;
  if (typeof value !== 'string') return false;
  const trimmed = value.trim();
  if (trimmed === '') return false;
  // References that a deploy tool replaces before Helm reads the file.
  return !/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(trimmed) && !/^\{\{.*\}\}$/s.test(trimmed);
}
