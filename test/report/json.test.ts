import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';
import { CATALOG } from '../../src/checks/index.js';
import { explodingCheck } from '../support/checks.js';
import { AREAS, SEVERITIES, SIDES } from '../../src/checks/types.js';
import { loadInputs } from '../../src/load/index.js';
import { JSON_SCHEMA_VERSION, jsonReport } from '../../src/report/json.js';
import { VERSION } from '../../src/version.js';
import { CORPUS, NOW, ROOT } from '../support/audit.js';

interface ReportSchema {
  properties: { schemaVersion: { const: string } };
  $defs: { severity: { enum: string[] }; side: { enum: string[] }; area: { enum: string[] } };
}

const schema = JSON.parse(readFileSync(path.join(ROOT, 'docs', 'report.schema.json'), 'utf8')) as ReportSchema;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

function errorsOf(report: unknown): string[] {
  if (validate(report)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

type Report = {
  summary: { total: number; suppressed: number; expiredSuppressions: number };
  findings: Array<Record<string, unknown>>;
  checks: Array<Record<string, unknown>>;
};

describe('json report schema', () => {
  let folder: string;
  let report: Report;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-json-'));
    const broken = path.join(folder, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: v1\nkind: ConfigMap\nmetadata: @reserved\n');
    const inputs = [path.join(CORPUS, 'realworld', 'rendered', 'postgres.yaml'), path.join(ROOT, 'test', 'report', 'fixtures', 'suppressions.yaml'), broken];
    const load = await loadInputs(inputs, { namespace: 'howso' });
    const result = audit(load, { now: NOW, checkOptions: { allowedRegistries: [] } });
    report = JSON.parse(jsonReport({ result, checks: CATALOG, toolVersion: VERSION, baseDirectory: ROOT, color: false })) as Report;
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('validates a realistic report', () => {
    expect(report.findings.length).toBeGreaterThanOrEqual(5);
    expect(report.summary.suppressed).toBe(1);
    expect(report.summary.expiredSuppressions).toBe(1);
    expect(errorsOf(report)).toEqual([]);
  });

  it('validates a failed check', async () => {
    const explodes = explodingCheck;
    const load = await loadInputs([path.join(ROOT, 'test', 'report', 'fixtures', 'clean.yaml')]);
    const result = audit(load, { now: NOW, checkOptions: { allowedRegistries: [] }, checks: [explodes] });
    const failed = JSON.parse(jsonReport({ result, checks: [explodes], toolVersion: VERSION, baseDirectory: ROOT, color: false })) as Report;
    expect(failed.checks).toEqual([{ id: 'input/explodes', status: 'failed', findings: 0, error: 'unexpected input' }]);
    expect(errorsOf(failed)).toEqual([]);
  });

  it('rejects a wrong severity', () => {
    const broken = structuredClone(report);
    broken.findings[0].severity = 'severe';
    expect(errorsOf(broken).length).toBeGreaterThan(0);
  });

  it('rejects an unknown field', () => {
    const broken = structuredClone(report);
    broken.findings[0].secretValue = 'hunter2';
    expect(errorsOf(broken).length).toBeGreaterThan(0);
  });

  it('rejects a missing summary', () => {
    const { summary: _summary, ...broken } = report;
    expect(errorsOf(broken).length).toBeGreaterThan(0);
  });

  it('enums match the code', () => {
    expect(schema.properties.schemaVersion.const).toBe(JSON_SCHEMA_VERSION);
    expect(schema.$defs.severity.enum).toEqual([...SEVERITIES]);
    expect(schema.$defs.side.enum).toEqual([...SIDES]);
    expect(schema.$defs.area.enum).toEqual([...AREAS]);
  });
});
