import { isRecord } from '../../model/access.js';
import type { FindingDraft, Severity } from '../types.js';
import { defineCheck } from '../define.js';

// libpq's sslmode values from the weakest to the strongest
// (https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION).
const WEAKNESS: Record<string, { severity: Severity; why: string }> = {
  disable: { severity: 'high', why: 'never uses TLS' },
  allow: { severity: 'high', why: 'uses TLS only if the server insists, so it falls back to plaintext' },
  prefer: { severity: 'high', why: 'falls back to plaintext when TLS fails, so an attacker can force plaintext' },
  require: { severity: 'medium', why: 'encrypts but does not authenticate the server, so a man in the middle can impersonate it' },
  'verify-ca': { severity: 'low', why: 'checks that a trusted CA signed the certificate but not that it names the host, so any certificate from that CA is accepted' },
};

export default defineCheck({
  id: 'transport/postgres-sslmode',
  severity: 'high',
  side: 'shared',
  description: 'The platform connects to PostgreSQL with sslmode verify-full.',
  rationale: 'Only verify-full both encrypts and checks that the server certificate is signed by a trusted CA and names the host; weaker modes leave the connection open to downgrade or impersonation.',
  remediation: 'Set datastores.postgres.<db>.sslmode: verify-full, with serverVerificationCustomCertChain: true and serverCertChainSecretName naming the Secret with the server CA when the CA is private.',
  messages: {
    weak: 'datastores.postgres.{{database}}.sslmode is {{mode}}, which {{why}}.',
    unknown: 'datastores.postgres.{{database}}.sslmode is "{{mode}}", which is not a libpq sslmode.',
  },
  references: ['https://www.postgresql.org/docs/current/libpq-ssl.html'],
  limitations: [
    'Runs only under the howso-platform profile, which is detected from the platform\'s values keys or chosen with --profile.','Only the values given to rampart are read; a sslmode set in a connection string or by the platform\'s own default is not seen.'],
  run(inventory, context) {
    // datastores.postgres is the platform chart's key; other charts may use the name for something else.
    if (context.profile?.name !== 'howso-platform') return [];
    const findings: FindingDraft<'weak' | 'unknown'>[] = [];
    for (const document of inventory.values) {
      const databases = isRecord(document.data.datastores) && isRecord(document.data.datastores.postgres) ? document.data.datastores.postgres : undefined;
      if (!databases) continue;
      for (const [database, settings] of Object.entries(databases)) {
        if (!isRecord(settings) || settings.sslmode === undefined) continue;
        const mode = String(settings.sslmode);
        const path = ['datastores', 'postgres', database, 'sslmode'];
        if (mode === 'verify-full') continue;
        const weakness = WEAKNESS[mode];
        if (!weakness) {
          findings.push({ messageId: 'unknown' as const, data: { database, mode }, values: document, path, severity: 'medium' });
          continue;
        }
        findings.push({ messageId: 'weak' as const, data: { database, mode, why: weakness.why }, values: document, path, severity: weakness.severity, fix: `Set datastores.postgres.${database}.sslmode: verify-full.` });
      }
    }
    return findings;
  },
});
