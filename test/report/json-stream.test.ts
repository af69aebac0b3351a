import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/checks/index.js';
import { jsonReportChunks } from '../../src/report/json.js';
import type { ReportInput } from '../../src/report/types.js';
import { auditFiles, ROOT } from '../support/audit.js';

function input(result: ReportInput['result']): ReportInput {
  return { result, checks: CATALOG, toolVersion: '0.0.0', baseDirectory: ROOT, color: false };
}

describe('streamed JSON report', () => {
  it('equals JSON.stringify of the report', async () => {
    const result = await auditFiles([path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml')]);
    const streamed = [...jsonReportChunks(input(result))].join('');
    const parsed = JSON.parse(streamed) as Record<string, unknown>;
    expect(streamed).toBe(JSON.stringify(parsed, null, 2) + '\n');
    expect((parsed.findings as unknown[]).length).toBe(result.findings.length);
  });

  it('equals JSON.stringify without findings', async () => {
    const result = await auditFiles([path.join(ROOT, 'test', 'checks', 'input', 'parse-error', 'pass-valid.yaml')]);
    const clean = { ...result, findings: [] };
    const streamed = [...jsonReportChunks(input(clean))].join('');
    expect(streamed).toBe(JSON.stringify(JSON.parse(streamed), null, 2) + '\n');
    expect(JSON.parse(streamed).findings).toEqual([]);
  });

  it('comes in bounded chunks', async () => {
    const result = await auditFiles([path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml')]);
    const many = { ...result, findings: Array.from({ length: 50 }, () => result.findings).flat() };
    const chunks = [...jsonReportChunks(input(many))];
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(80 * 1024);
  });
});
