import { describeDestination, describeSource } from '../../model/flows.js';
import { backingChartOf } from '../../profiles/index.js';
import type { BackingChart } from '../../profiles/types.js';
import { encryptionMap } from '../../transport/encryption.js';
import { defineCheck } from '../define.js';

/** Chart values that make each server reject plaintext next to TLS. */
const REJECT_PLAINTEXT: Record<BackingChart['id'], string> = {
  postgres: 'Set primary.pgHbaConfiguration in the Bitnami PostgreSQL chart to hostssl lines only (for example "hostssl all all 0.0.0.0/0 scram-sha-256"), or make every client use sslmode verify-full.',
  nats: 'Remove allow_non_tls from the NATS server configuration, or make every client connect with a tls:// URL.',
  redis: 'Close the plaintext port of Redis: the Bitnami chart passes --port 0 when tls.enabled is true, so remove the REDIS_PORT override.',
  minio: 'Serve MinIO over HTTPS only, with tls.enabled: true in the minio/minio chart.',
};

export default defineCheck({
  id: 'transport/tls-optional-flow',
  severity: 'medium',
  side: 'chart',
  description: 'A datastore that offers TLS rejects plaintext connections, so that no client can fall back to plaintext.',
  rationale: 'When the server still accepts plaintext, a misconfigured client or an attacker who strips the TLS request (a downgrade) talks to it unencrypted.',
  remediation: 'Make the server reject plaintext: for Bitnami PostgreSQL replace pg_hba.conf with hostssl lines only (primary.pgHbaConfiguration), for NATS remove allow_non_tls, and for Redis close the plaintext port.',
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
            fix: REJECT_PLAINTEXT[backingChartOf(server)!.id],
          },
        ];
      });
  },
});
