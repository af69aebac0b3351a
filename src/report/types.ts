import type { Check } from '../checks/types.js';
import type { AuditResult } from '../audit.js';

export interface ReportInput {
  result: AuditResult;
  /** The checks that ran, for rule metadata. */
  checks: readonly Check[];
  toolVersion: string;
  /** Folder that artifact paths are made relative to. */
  baseDirectory: string;
  color: boolean;
}

export type Reporter = (input: ReportInput) => string;
