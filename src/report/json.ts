import { summarize } from './summary.js';
import type { ReportInput } from './types.js';

/** Version of the JSON report's shape (docs/report.schema.json); raised on any incompatible change. */
export const JSON_SCHEMA_VERSION = '1.0';

const CHUNK_SIZE = 64 * 1024;

/**
 * Yields the JSON report in pieces of about 64 KiB, finding by finding, so that a report of
 * a large install is written out without first building one string of its whole size. The
 * text is the same as `JSON.stringify(report, null, 2)`.
 */
export function* jsonReportChunks({ result, toolVersion }: ReportInput): Generator<string> {
  const head = {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'rampart', version: toolVersion },
    profile: result.profile ?? null,
    inputs: { resources: result.inventory.resources.length, valuesDocuments: result.inventory.values.length },
    summary: summarize(result.findings),
  };
  const headText = JSON.stringify(head, null, 2);
  let buffer = `${headText.slice(0, -2)},\n  "findings": [`;

  for (let index = 0; index < result.findings.length; index++) {
    const finding = JSON.stringify(result.findings[index], null, 2).replace(/\n/g, '\n    ');
    buffer += `${index === 0 ? '' : ','}\n    ${finding}`;
    if (buffer.length >= CHUNK_SIZE) {
      yield buffer;
      buffer = '';
    }
  }
  buffer += result.findings.length === 0 ? ']' : '\n  ]';
  buffer += `,\n  "checks": ${JSON.stringify(result.outcomes, null, 2).replace(/\n/g, '\n  ')}\n}\n`;
  yield buffer;
}

export function jsonReport(input: ReportInput): string {
  return [...jsonReportChunks(input)].join('');
}
