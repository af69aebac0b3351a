import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/checks/types.js';
import { ROOT } from '../support/audit.js';
import { runCli, type CliRun } from '../support/cli.js';

const FIXTURES = path.join(ROOT, 'test', 'report', 'fixtures');
const SUPPRESSIONS = path.join(FIXTURES, 'suppressions.yaml');
const INPUT_ONLY = ['--check', 'input/*', '-n', 'howso'];

interface JsonReport {
  summary: { total: number; suppressed: number; expiredSuppressions: number };
  findings: Finding[];
}

let workdir: string;

function rampart(args: string[], cwd = workdir): CliRun {
  return runCli(args, { cwd });
}

function auditJson(args: string[], cwd = workdir): { run: CliRun; report: JsonReport } {
  const run = rampart(['audit', ...INPUT_ONLY, '--format', 'json', ...args], cwd);
  return { run, report: JSON.parse(run.stdout) as JsonReport };
}

function findingOn(report: JsonReport, checkId: string, kind: string): Finding | undefined {
  return report.findings.find((finding) => finding.checkId === checkId && finding.resource?.kind === kind);
}

beforeAll(() => {
  workdir = mkdtempSync(path.join(os.tmpdir(), 'rampart-suppress-'));
});

afterAll(() => {
  rmSync(workdir, { recursive: true, force: true });
});

describe('annotation suppressions', () => {
  it('suppress with their reason', () => {
    const { report } = auditJson([SUPPRESSIONS]);
    const widget = findingOn(report, 'input/unknown-kind', 'Widget');
    expect(widget?.suppressed).toEqual({ reason: 'the Widget operator is reviewed by hand', by: 'annotation' });
    expect(report.summary.suppressed).toBe(1);
  });

  it('do not count against --fail-on', () => {
    const widgetOnly = path.join(workdir, 'widget.yaml');
    writeFileSync(widgetOnly, readFileSync(SUPPRESSIONS, 'utf8').split('\n---\n')[0]);
    const run = rampart(['audit', ...INPUT_ONLY, '--fail-on', 'info', widgetOnly]);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('0 findings, 1 suppressed');
  });

  it('fire again once expired', () => {
    const { report } = auditJson([SUPPRESSIONS]);
    const gizmo = findingOn(report, 'input/unknown-kind', 'Gizmo');
    expect(gizmo?.suppressed).toBeUndefined();
    expect(gizmo?.expiredSuppression).toEqual({ reason: 'accepted until the operator upgrade', by: 'annotation', expires: '2020-01-31' });
    expect(report.summary.expiredSuppressions).toBe(1);
  });

  it('say so in text when expired', () => {
    const run = rampart(['audit', ...INPUT_ONLY, SUPPRESSIONS]);
    expect(run.stdout).toContain('counts again: the suppression (annotation) expired on 2020-01-31: accepted until the operator upgrade');
    expect(run.stdout).toContain('1 suppression expired');
  });

  it('count against --fail-on when expired', () => {
    const gizmoOnly = path.join(workdir, 'gizmo.yaml');
    writeFileSync(gizmoOnly, readFileSync(SUPPRESSIONS, 'utf8').split('\n---\n')[1]);
    expect(rampart(['audit', ...INPUT_ONLY, '--fail-on', 'info', gizmoOnly]).code).toBe(1);
  });

  it('need a reason', () => {
    const { report } = auditJson([SUPPRESSIONS]);
    const invalid = findingOn(report, 'input/invalid-suppression', 'ConfigMap');
    expect(invalid?.data).toEqual({ problem: 'the suppression of input/duplicate-object has no reason' });
    expect(findingOn(report, 'input/duplicate-object', 'ConfigMap')?.suppressed).toBeUndefined();
  });
});

describe('config suppressions', () => {
  it('suppress by check and resource', () => {
    const config = path.join(FIXTURES, 'rampart.yaml');
    const { run, report } = auditJson(['--config', config, SUPPRESSIONS]);
    expect(run.code).toBe(0);
    const invalid = findingOn(report, 'input/invalid-suppression', 'ConfigMap');
    expect(invalid?.suppressed).toEqual({ reason: 'the empty annotation is kept on purpose to test reports', by: config });
    // The config's duplicate-object entry names the staging namespace, so the howso duplicate still counts.
    expect(findingOn(report, 'input/duplicate-object', 'ConfigMap')?.suppressed).toBeUndefined();
    expect(report.summary.suppressed).toBe(2);
  });

  it('load .rampart.yaml by default', () => {
    const folder = mkdtempSync(path.join(workdir, 'default-config-'));
    writeFileSync(path.join(folder, '.rampart.yaml'), readFileSync(path.join(FIXTURES, 'rampart.yaml')));
    const { report } = auditJson([SUPPRESSIONS], folder);
    expect(findingOn(report, 'input/invalid-suppression', 'ConfigMap')?.suppressed?.by).toBe('.rampart.yaml');
  });

  it('count in the text summary', () => {
    const run = rampart(['audit', ...INPUT_ONLY, '--config', path.join(FIXTURES, 'rampart.yaml'), SUPPRESSIONS]);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('2 findings (1 medium, 1 info; by side: shared 2), 2 suppressed, 1 suppression expired');
  });

  it('reject an entry without reason', () => {
    const run = rampart(['audit', ...INPUT_ONLY, '--config', path.join(FIXTURES, 'rampart-no-reason.yaml'), SUPPRESSIONS]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^rampart: invalid config .*rampart-no-reason\.yaml: suppressions\[0\]\.reason is required/);
  });

  it('reject a missing config file', () => {
    const run = rampart(['audit', ...INPUT_ONLY, '--config', path.join(workdir, 'absent.yaml'), SUPPRESSIONS]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rampart: config file not found: .*absent\.yaml$/m);
  });
});
