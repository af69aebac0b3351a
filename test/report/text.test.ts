import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditResult } from '../../src/audit.js';
import { CATALOG } from '../../src/checks/index.js';
import type { Area, Finding, Severity, Side } from '../../src/checks/types.js';
import { useColor } from '../../src/cli/io.js';
import { groupByArea, summarize, summaryLine } from '../../src/report/summary.js';
import { textReport } from '../../src/report/text.js';
import { auditFiles, ROOT } from '../support/audit.js';

// ANSI escape sequences start with ESC [.
const ANSI = /\u001b\[/;

function finding(area: Area, severity: Severity, side: Side, extra: Partial<Finding> = {}): Finding {
  return {
    checkId: `${area}/example`,
    area,
    severity,
    side,
    messageId: 'example',
    data: {},
    message: `A ${severity} ${area} finding.`,
    remediation: 'Fix it.',
    ...extra,
  };
}

function resultOf(findings: Finding[]): AuditResult {
  return { findings, outcomes: [], inventory: { resources: [{}], values: [] } } as unknown as AuditResult;
}

function report(findings: Finding[], color = false): string {
  return textReport({ result: resultOf(findings), checks: CATALOG, toolVersion: '0.0.0', baseDirectory: ROOT, color });
}

describe('text report', () => {
  it('groups areas in report order', () => {
    const text = report([finding('input', 'low', 'shared'), finding('transport', 'high', 'chart'), finding('pss', 'medium', 'chart'), finding('transport', 'low', 'operator')]);
    const headings = text.split('\n').filter((line) => /^[a-z]+$/.test(line));
    expect(headings).toEqual(['transport', 'pss', 'input']);
  });

  it('keeps findings under their area', () => {
    const text = report([finding('transport', 'high', 'chart'), finding('input', 'low', 'shared')]);
    const lines = text.split('\n');
    expect(lines.indexOf('transport')).toBeLessThan(lines.findIndex((line) => line.includes('A high transport finding.')));
    expect(lines.findIndex((line) => line.includes('A high transport finding.'))).toBeLessThan(lines.indexOf('input'));
  });

  it('ends with one summary line', () => {
    const text = report([finding('transport', 'critical', 'chart'), finding('pss', 'high', 'chart'), finding('pss', 'high', 'operator')]);
    const lines = text.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('3 findings (1 critical, 2 high; by side: chart 2, operator 1)');
  });

  it('pluralises one finding', () => {
    expect(report([finding('pss', 'low', 'shared')]).trimEnd().split('\n').at(-1)).toBe('1 finding (1 low; by side: shared 1)');
  });

  it('reports no findings', () => {
    expect(report([])).toBe('audited 1 object and 0 values documents, no product profile\n0 findings\n');
  });

  it('counts suppressed apart', () => {
    const suppressed = finding('pss', 'high', 'chart', { suppressed: { reason: 'accepted risk', by: 'annotation' } });
    const text = report([suppressed, finding('pss', 'low', 'operator')]);
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 finding (1 low; by side: operator 1), 1 suppressed');
    expect(text).toContain('suppressed (annotation): accepted risk');
  });

  it('says when a suppression expired', () => {
    const expired = finding('pss', 'high', 'chart', { expiredSuppression: { reason: 'until the upgrade', by: '.rampart.yaml', expires: '2020-01-31' } });
    const text = report([expired]);
    expect(text).toContain('the suppression (.rampart.yaml) expired on 2020-01-31: until the upgrade');
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 finding (1 high; by side: chart 1), 1 suppression expired');
  });

  it('shows position, path and fix', () => {
    const located = finding('pss', 'high', 'chart', {
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'howso', name: 'platform-ui' },
      file: 'rendered/ui.yaml',
      line: 42,
      path: 'spec.template.spec.containers[0].securityContext',
    });
    const text = report([located]);
    expect(text).toContain('Deployment howso/platform-ui  rendered/ui.yaml:42');
    expect(text).toContain('at spec.template.spec.containers[0].securityContext');
    expect(text).toContain('fix: Fix it.');
  });

  it('colours only when asked', () => {
    const findings = [finding('transport', 'critical', 'chart')];
    expect(report(findings, true)).toMatch(ANSI);
    expect(report(findings, false)).not.toMatch(ANSI);
  });

  it('renders a real audit', async () => {
    const result = await auditFiles([path.join(ROOT, 'test', 'report', 'fixtures', 'suppressions.yaml')], { namespace: 'howso' });
    const input = result.findings.filter((item) => item.area === 'input');
    const text = textReport({ result: { ...result, findings: input }, checks: CATALOG, toolVersion: '0.0.0', baseDirectory: ROOT, color: false });
    expect(text.trimEnd().split('\n').at(-1)).toBe('3 findings (1 medium, 1 low, 1 info; by side: shared 3), 1 suppressed, 1 suppression expired');
  });
});

describe('summary', () => {
  it('counts by severity and side', () => {
    const summary = summarize([finding('pss', 'high', 'chart'), finding('rbac', 'high', 'operator'), finding('input', 'info', 'shared', { suppressed: { reason: 'r', by: 'annotation' } })]);
    expect(summary.total).toBe(2);
    expect(summary.bySeverity).toEqual({ critical: 0, high: 2, medium: 0, low: 0, info: 0 });
    expect(summary.bySide).toEqual({ chart: 1, operator: 1, shared: 0 });
    expect(summary.suppressed).toBe(1);
  });

  it('line pluralises suppressions', () => {
    const summary = summarize([]);
    expect(summaryLine({ ...summary, suppressed: 2, expiredSuppressions: 2 })).toBe('0 findings, 2 suppressed, 2 suppressions expired');
  });

  it('groups skip empty areas', () => {
    const groups = groupByArea([finding('input', 'low', 'shared'), finding('netpol', 'low', 'shared')]);
    expect(groups.map((group) => group.area)).toEqual(['netpol', 'input']);
  });
});

describe('colour decision', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const terminal = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;

  it('colours a terminal', () => {
    vi.stubEnv('NO_COLOR', undefined);
    expect(useColor(terminal, false)).toBe(true);
  });

  it('respects NO_COLOR', () => {
    vi.stubEnv('NO_COLOR', '1');
    expect(useColor(terminal, false)).toBe(false);
  });

  it('ignores an empty NO_COLOR', () => {
    // https://no-color.org: only a NO_COLOR that is present and not empty disables colour.
    vi.stubEnv('NO_COLOR', '');
    expect(useColor(terminal, false)).toBe(true);
  });

  it('never colours a pipe', () => {
    vi.stubEnv('NO_COLOR', undefined);
    expect(useColor(pipe, false)).toBe(false);
  });

  it('respects --no-color', () => {
    vi.stubEnv('NO_COLOR', undefined);
    expect(useColor(terminal, true)).toBe(false);
  });
});
