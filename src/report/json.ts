import { summarize } from './summary.js';
import type { ReportInput } from './types.js';

/** Version of the JSON report's shape (docs/report.schema.json); raised on any incompatible change. */
export const JSON_SCHEMA_VERSION = '1.0';

export function jsonReport({ result, toolVersion }: ReportInput): string {
  const report = {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'rampart', version: toolVersion },
    profile: result.profile ?? null,
    inputs: { resources: result.inventory.resources.length, valuesDocuments: result.inventory.values.length },
    summary: summarize(result.findings),
    findings: result.findings,
    checks: result.outcomes,
  };
  return JSON.stringify(report, null, 2) + '\n';
}
