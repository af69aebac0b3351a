import { isRecord } from '../../model/access.js';
import { describeRef, type Resource } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft, Severity } from '../types.js';
import { classifyEntry, isCredentialFileName, isReferenceOrUnset, scanText, shortHash, type CredentialMatch, type TextMatch } from './detect.js';

type MessageId = 'value' | 'inText' | 'inTextEntry' | 'file';

export default defineCheck({
  id: 'secrets/credential-in-configmap',
  severity: 'high',
  side: 'shared',
  description: 'ConfigMaps hold no passwords, tokens, private keys or other credentials.',
  rationale:
    'ConfigMaps are not meant for confidential data: they are shown by kubectl describe, readable by every role that may read configuration (the built-in view role among them), logged by tools that diff manifests, and never encrypted at rest by the API server\'s Secret encryption.',
  remediation: 'Move the credential into a Secret and mount it or reference it with secretKeyRef; for a chart, set the values key that takes an existing Secret.',
  messages: {
    value: '{{configMap}} key {{key}} holds {{what}} (sha256 {{hash}}).',
    inText: '{{configMap}} key {{key}} holds {{what}} on line {{line}} of its value (sha256 {{hash}}).',
    inTextEntry: '{{configMap}} key {{key}} holds {{what}} in {{entry}} on line {{line}} of its value (sha256 {{hash}}).',
    file: '{{configMap}} {{field}} key {{key}} is named like key material or a credential store ({{size}} characters).',
  },
  limitations: [
    'Text inside a value is read line by line (key: value, KEY=value, --flag value, directive value) and not parsed as YAML, JSON or a script, so a credential split over several lines or built up in a script is missed.',
    'binaryData values are decoded and searched for PEM private keys and other credential shapes; other binary formats are judged by the key\'s file name only.',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const configMap of inventory.ofKind('ConfigMap', '')) findings.push(...scanConfigMap(configMap));
    return findings;
  },
});

function scanConfigMap(configMap: Resource): FindingDraft<MessageId>[] {
  const findings: FindingDraft<MessageId>[] = [];
  const name = describeRef(configMap);
  const data = configMap.body.data;
  const binaryData = configMap.body.binaryData;

  if (isRecord(data)) {
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string' || isReferenceOrUnset(value)) continue;
      const path = ['data', key];
      const before = findings.length;
      if (value.includes('\n')) {
        for (const found of scanText(value)) findings.push(textFinding(configMap, name, path, key, found));
      } else {
        const found = classifyEntry(key, value, { entropy: true });
        if (found) findings.push(valueFinding(configMap, name, key, found));
      }
      // The file name alone speaks when the content has no recognisable shape (a binary keystore, a bare key).
      if (findings.length === before && isCredentialFileName(key)) {
        findings.push({ messageId: 'file', data: { configMap: name, field: 'data', key, size: value.length }, resource: configMap, path });
      }
    }
  }

  if (isRecord(binaryData)) {
    for (const [key, value] of Object.entries(binaryData)) {
      if (typeof value !== 'string' || value.trim() === '') continue;
      const path = ['binaryData', key];
      const before = findings.length;
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      // Only text decodes without replacement characters or NUL bytes; other binary data is judged by its key.
      if (!decoded.includes('\uFFFD') && !decoded.includes('\u0000')) {
        for (const found of scanText(decoded)) findings.push(textFinding(configMap, name, path, key, found));
      }
      if (findings.length === before && isCredentialFileName(key)) {
        findings.push({ messageId: 'file', data: { configMap: name, field: 'binaryData', key, size: value.length }, resource: configMap, path });
      }
    }
  }
  return findings;
}

function valueFinding(configMap: Resource, name: string, key: string, found: CredentialMatch): FindingDraft<MessageId> {
  return {
    messageId: 'value',
    data: { configMap: name, key, what: describe(found), hash: shortHash(found.secret) },
    resource: configMap,
    path: ['data', key],
    ...severityOf(found),
    ...fixOf(found),
  };
}

function textFinding(configMap: Resource, name: string, path: string[], key: string, found: TextMatch): FindingDraft<MessageId> {
  const data = { configMap: name, key, what: describe(found.match), line: found.line, hash: shortHash(found.match.secret) };
  return {
    messageId: found.key === undefined ? 'inText' : 'inTextEntry',
    data: found.key === undefined ? data : { ...data, entry: found.key },
    resource: configMap,
    path,
    ...severityOf(found.match),
    ...fixOf(found.match),
  };
}

function describe(found: CredentialMatch): string {
  return found.example && found.kind !== 'named' ? `${found.description}, a well-known example or default value` : found.description;
}

function severityOf(found: CredentialMatch): { severity?: Severity } {
  return found.kind === 'high-entropy' ? { severity: 'medium' } : {};
}

function fixOf(found: CredentialMatch): { fix?: string } {
  return found.switchKey ? { fix: `Create the credential as a Secret and set ${found.switchKey} in the chart's values instead of the inline value.` } : {};
}
