import { isRecord } from '../../model/access.js';
import { formatPath, type PathSegment, type ValuesDocument } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { classifyEntry, scanText, shortHash, type CredentialMatch } from './detect.js';

type MessageId = 'inline' | 'example' | 'inText';

export default defineCheck({
  id: 'secrets/credential-in-values',
  severity: 'high',
  side: 'operator',
  description: 'Helm values documents hold no passwords, tokens, private keys or other credentials in plain text.',
  rationale:
    'Values files are kept in Git and passed around, and Helm stores the values of every release in a Secret of the release namespace, so a credential written there is readable by everyone who can read the repository or the release history, and it stays there after it is rotated.',
  remediation: 'Create the credential as a Secret (from a secret store, with the External Secrets Operator, or with kubectl create secret) and point the chart at it with its existingSecret-style value instead of the credential itself.',
  messages: {
    inline: '{{key}} holds {{what}} in plain text (sha256 {{hash}}).',
    example: '{{key}} holds {{what}}: deployed as it is, the credential is known to anyone who read the same example (sha256 {{hash}}).',
    inText: '{{key}} holds {{what}} on line {{line}} of its text (sha256 {{hash}}).',
  },
  limitations: [
    'oidc.clientSecret at the top of a values document is left to identity/oidc-inline-client-secret.',
    'Credentials are recognised by key name (password, secret, token, apiKey, privateKey, accessKey, secretKey, credentials…) and by shape (PEM private keys, URLs and connection strings with a password, password hashes, published token formats, long random strings); a credential under an unremarkable key with a short or readable value is missed.',
    'Values written as ${VAR}, $(VAR), {{ template }}, <placeholder>, an absolute file path or a vals/sops/vault reference are treated as references and not reported; what they resolve to still ends up in Helm\'s release history.',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const document of inventory.values) findings.push(...scanValues(document));
    // identity/oidc-inline-client-secret reports oidc.clientSecret with a fix that names the platform's keys.
    return findings.filter((finding) => finding.data?.key !== 'oidc.clientSecret');
  },
});

/** Walks a values document and reports every leaf that contains a credential. */
function scanValues(document: ValuesDocument): FindingDraft<MessageId>[] {
  const findings: FindingDraft<MessageId>[] = [];
  // js-yaml shares the node behind an alias, so a visited set keeps aliased subtrees from being walked twice.
  const visited = new WeakSet<object>();

  const report = (path: PathSegment[], found: CredentialMatch, line?: number) => {
    const data = { key: formatPath(path), what: found.description, hash: shortHash(found.secret) };
    const fix = found.switchKey ? `Create the credential as a Secret and set ${found.switchKey} instead of writing it inline.` : undefined;
    if (line !== undefined) findings.push({ messageId: 'inText', data: { ...data, line }, values: document, path, ...(fix ? { fix } : {}) });
    else findings.push({ messageId: found.example ? 'example' : 'inline', data, values: document, path, ...(fix ? { fix } : {}), ...(found.kind === 'high-entropy' ? { severity: 'medium' as const } : {}) });
  };

  const visitLeaf = (key: string | undefined, value: unknown, path: PathSegment[]) => {
    if (typeof value === 'string' && value.includes('\n')) {
      const whole = classifyEntry(key, value, { entropy: false });
      // A credential-named key with a multi-line value (a PEM key, a credentials file) is one finding.
      if (whole && (whole.kind === 'named' || whole.kind === 'private-key')) {
        report(path, whole);
        return;
      }
      for (const found of scanText(value)) report(path, found.match, found.line);
      return;
    }
    const found = classifyEntry(key, value, { entropy: true });
    if (found) report(path, found);
  };

  const walk = (node: unknown, key: string | undefined, path: PathSegment[]) => {
    if (Array.isArray(node)) {
      if (visited.has(node)) return;
      visited.add(node);
      // A list element inherits the name of the list: `passwords: [a, b]`.
      node.forEach((item, index) => walk(item, key, [...path, index]));
      return;
    }
    if (isRecord(node)) {
      if (visited.has(node)) return;
      visited.add(node);
      // An env-style entry `{name: DB_PASSWORD, value: ...}` is named by its `name`.
      const entryName = typeof node.name === 'string' && 'value' in node ? node.name : undefined;
      for (const [childKey, child] of Object.entries(node)) {
        if (entryName !== undefined && childKey === 'value' && !isRecord(child) && !Array.isArray(child)) visitLeaf(entryName, child, [...path, childKey]);
        else walk(child, childKey, [...path, childKey]);
      }
      return;
    }
    visitLeaf(key, node, path);
  };

  walk(document.data, undefined, []);
  return findings;
}
