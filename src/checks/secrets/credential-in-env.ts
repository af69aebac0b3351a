import { isRecord, list, text } from '../../model/access.js';
import { describeRef } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { classifyEntry, shortHash } from './detect.js';

type MessageId = 'inline' | 'example';

export default defineCheck({
  id: 'secrets/credential-in-env',
  severity: 'high',
  side: 'shared',
  description: 'Containers take passwords, tokens and keys from Secrets (env[].valueFrom.secretKeyRef), not from plain env[].value.',
  rationale:
    'A plain env value is part of the workload object: anyone who may read Deployments or Pods (the built-in view role among them) reads the credential, and it shows up in kubectl describe, in Helm\'s release history and in every manifest diff.',
  remediation: 'Put the value in a Secret and reference it with env[].valueFrom.secretKeyRef, or mount the Secret as a file and point the application at it.',
  messages: {
    inline: '{{workload}} container {{container}} sets {{name}} to {{what}} in plain text (sha256 {{hash}}).',
    example: '{{workload}} container {{container}} sets {{name}} to {{what}}: deployed as it is, the credential is known to anyone who read the same example (sha256 {{hash}}).',
  },
  limitations: [
    'Credentials passed in command or args are not examined.',
    'Values written as $(VAR), ${VAR}, a template or an absolute file path are treated as references.',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const workload of inventory.workloads) {
      for (const container of workload.containers) {
        list(container.container.env).forEach((entry, index) => {
          if (!isRecord(entry) || entry.valueFrom !== undefined) return;
          const name = text(entry.name);
          if (!name) return;
          const found = classifyEntry(name, entry.value, { entropy: true });
          if (!found) return;
          findings.push({
            messageId: found.example ? 'example' : 'inline',
            data: { workload: describeRef(workload.resource), container: container.name, name, what: found.description, hash: shortHash(found.secret) },
            resource: workload.resource,
            path: [...container.path, 'env', index, 'value'],
            fix: `Move the value of ${name} into a Secret and reference it from container ${container.name} with env[].valueFrom.secretKeyRef.`,
            ...(found.kind === 'high-entropy' ? { severity: 'medium' as const } : {}),
          });
        });
      }
    }
    return findings;
  },
});
