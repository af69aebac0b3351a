import path from 'node:path';
import { audit, type AuditResult } from '../../src/audit.js';
import type { CheckOptions } from '../../src/checks/types.js';
import { loadInputs, type LoadOptions } from '../../src/load/index.js';
import type { ProfileRequest } from '../../src/profiles/select.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CORPUS = path.resolve(ROOT, '../shared/corpus');
export const NOW = new Date('2026-06-01T00:00:00Z');

export interface AuditFilesOptions extends LoadOptions {
  checkOptions?: Partial<CheckOptions>;
  now?: Date;
  profile?: ProfileRequest;
}

/** Loads inputs and audits them as the CLI does, at a fixed time. */
export async function auditFiles(inputs: string[], options: AuditFilesOptions = {}): Promise<AuditResult> {
  const load = await loadInputs(inputs, options);
  return audit(load, {
    now: options.now ?? NOW,
    checkOptions: { allowedRegistries: [], ...options.checkOptions },
    ...(options.profile ? { profile: options.profile } : {}),
  });
}

export function idsOf(result: AuditResult): string[] {
  return result.findings.map((finding) => finding.checkId);
}
