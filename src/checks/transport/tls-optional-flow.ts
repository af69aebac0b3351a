import { describeDestination, describeSource } from '../../model/flows.js';
import { backingChartOf } from '../../profiles/index.js';
import { encryptionMap } from '../../transport/encryption.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'transport/tls-optional-flow',
  severity: 'medium',
  side: 'chart',
  description: 'A datastore that offers TLS refuses plaintext connections, so that no client can fall back to plaintext.',
  rationale: 'When the server still accepts plaintext, a misconfigured client or an attacker who strips the TLS request (a downgrade) talks to it unencrypted.',
  remediation: 'Make the server refuse plaintext: for Bitnami PostgreSQL replace pg_hba.conf with hostssl lines only (primary.pgHbaConfiguration); for NATS remove allow_non_tls.',
  messages: {
    optional: 'Flow from {{source}} to {{destination}} may be plaintext: {{why}}.',
  },
  run(inventory, context) {
    return encryptionMap(inventory, context.profile?.name === 'howso-platform')
      .flatMap((entry) => {
        const server = entry.flow.destination;
        if (entry.verdict !== 'tls-optional' || !server || !backingChartOf(server)) return [];
        return [
          {
            messageId: 'optional' as const,
            data: { source: describeSource(entry.flow.source), destination: describeDestination(entry.flow), why: (entry.tls?.evidence ?? []).join('; ') },
            resource: server.resource,
            path: server.podSpecPath,
          },
        ];
      });
  },
});
