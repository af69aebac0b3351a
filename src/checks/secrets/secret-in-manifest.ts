import { isRecord, type Json } from '../../model/access.js';
import { describeRef } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { isHelmManaged } from './charts.js';
import { classifyEntry, isCredentialFileName, isCredentialName, scanText } from './detect.js';

/** Secret types that the API server or Helm itself writes; they are not configuration kept in Git. */
const EXEMPT_TYPES = ['kubernetes.io/service-account-token'];
const EXEMPT_TYPE_PREFIXES = ['helm.sh/release'];
/** Keys for certificates, which are public. A Secret with nothing else contains nothing confidential. */
const PUBLIC_KEYS = new Set(['ca.crt', 'tls.crt', 'ca.pem', 'cert.pem', 'fullchain.pem', 'chain.pem', 'ca-bundle.crt', 'ca-certificates.crt']);
const MAX_LISTED_KEYS = 10;

type MessageId = 'helm' | 'manifest';

export default defineCheck({
  id: 'secrets/secret-in-manifest',
  severity: 'medium',
  side: 'shared',
  description: 'The manifests carry no Secret with data or stringData; Secrets are created from a secret store or by a controller.',
  rationale:
    'A Secret in a manifest is only base64-encoded (stringData not even that), so its values are readable wherever the manifests go: Git, CI logs, artifact stores. A Secret rendered by Helm is also kept in every revision of the release history, so rotating it does not remove the old value.',
  remediation: 'Create the Secret outside the manifests (External Secrets Operator, Sealed Secrets, SOPS, or kubectl create secret from a vault) and point the chart at it with its existingSecret-style value.',
  messages: {
    helm: '{{secret}} is rendered by Helm with {{count}} key(s) in {{fields}}: {{keys}} ({{assessment}}); the values sit in the manifests and in every revision of the release history.',
    manifest: '{{secret}} carries {{count}} key(s) in {{fields}}: {{keys}} ({{assessment}}); the values sit in the manifests wherever they are stored.',
  },
  limitations: [
    'Secrets of type kubernetes.io/service-account-token and helm.sh/release.v1 are skipped, and so are Secrets that hold only certificates (ca.crt, tls.crt and the like).',
    'Encrypted forms (SealedSecret, SopsSecret, ExternalSecret) are other kinds and are not reported.',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const secret of inventory.secrets) {
      if (EXEMPT_TYPES.includes(secret.type) || EXEMPT_TYPE_PREFIXES.some((prefix) => secret.type.startsWith(prefix))) continue;
      const data = filledKeys(secret.resource.body.data);
      const stringData = filledKeys(secret.resource.body.stringData);
      const keys = [...new Set([...data, ...stringData])].sort();
      if (keys.length === 0 || keys.every((key) => PUBLIC_KEYS.has(key))) continue;

      const fields = [data.length > 0 ? 'data' : '', stringData.length > 0 ? 'stringData' : ''].filter(Boolean);
      const listedKeys = keys.slice(0, MAX_LISTED_KEYS).join(', ');
      const more = keys.length - MAX_LISTED_KEYS;
      const credentials = credentialKeys(secret.resource.body.data, secret.resource.body.stringData);
      findings.push({
        messageId: isHelmManaged(secret.resource) ? 'helm' : 'manifest',
        data: {
          secret: describeRef(secret.resource),
          count: keys.length,
          fields: fields.join(' and '),
          keys: more > 0 ? `${listedKeys} and ${more} more` : listedKeys,
          assessment: credentials.length === 0 ? 'none of them looks like a credential' : `credentials in ${credentials.slice(0, MAX_LISTED_KEYS).join(', ')}`,
        },
        resource: secret.resource,
        path: [fields[0]],
        // A Secret whose values carry no recognisable credential (a URL, a client config) weighs less.
        ...(credentials.length === 0 ? { severity: 'low' as const } : {}),
      });
    }
    return findings;
  },
});

/** Keys whose name or decoded value marks a credential, sorted. */
function credentialKeys(data: unknown, stringData: unknown): string[] {
  const found = new Set<string>();
  const judge = (key: string, value: string) => {
    if (isCredentialName(key) || isCredentialFileName(key)) found.add(key);
    else if (value.includes('\n') ? scanText(value).length > 0 : classifyEntry(key, value, { entropy: true }) !== undefined) found.add(key);
  };
  for (const key of filledKeys(data)) judge(key, Buffer.from(String((data as Json)[key]), 'base64').toString('utf8'));
  for (const key of filledKeys(stringData)) judge(key, String((stringData as Json)[key]));
  return [...found].sort();
}

/** Keys whose value is not empty, because an empty key has nothing to leak. */
function filledKeys(value: unknown): string[] {
  if (!isRecord(value)) return [];
  return Object.entries(value as Json)
    .filter(([, entry]) => entry !== null && entry !== undefined && String(entry).trim() !== '')
    .map(([key]) => key);
}
