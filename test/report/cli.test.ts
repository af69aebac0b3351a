import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/checks/index.js';
import { ROOT } from '../support/audit.js';
import { buildCli, runCli, type CliRun } from '../support/cli.js';

const FIXTURES = path.join(ROOT, 'test', 'report', 'fixtures');
const SUPPRESSIONS = path.join(FIXTURES, 'suppressions.yaml');
const CLEAN = path.join(FIXTURES, 'clean.yaml');

// Only the input checks run here, so that checks added to other areas cannot change the
// exit codes these tests expect. The fixtures' worst unsuppressed finding is medium.
const INPUT_ONLY = ['--check', 'input/*', '-n', 'howso'];

let workdir: string;

/** Runs the CLI from an empty folder, so that no .rampart.yaml is picked up by default. */
function rampart(args: string[], input?: string): CliRun {
  return runCli(args, input === undefined ? { cwd: workdir } : { cwd: workdir, input });
}

function expectUsageError(run: CliRun, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
}

beforeAll(() => {
  workdir = mkdtempSync(path.join(os.tmpdir(), 'rampart-cli-'));
  buildCli();
});

afterAll(() => {
  rmSync(workdir, { recursive: true, force: true });
});

describe('audit exit codes', () => {
  it('0 below --fail-on', () => {
    const run = rampart(['audit', ...INPUT_ONLY, SUPPRESSIONS]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('3 findings (1 medium, 1 low, 1 info; by side: shared 3), 1 suppressed, 1 suppression expired');
  });

  it('0 for clean input', () => {
    const run = rampart(['audit', ...INPUT_ONLY, '--fail-on', 'info', CLEAN]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^audited \d+ objects? and \d+ values documents?, .*\n0 findings\n$/);
  });

  it('1 at --fail-on', () => {
    expect(rampart(['audit', ...INPUT_ONLY, '--fail-on', 'medium', SUPPRESSIONS]).code).toBe(1);
  });

  it('1 above --fail-on', () => {
    expect(rampart(['audit', ...INPUT_ONLY, '--fail-on', 'info', SUPPRESSIONS]).code).toBe(1);
  });

  it('1 for a parse error at default', () => {
    const broken = path.join(workdir, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: v1\nkind: ConfigMap\nmetadata: @reserved\n');
    const run = rampart(['audit', ...INPUT_ONLY, broken]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('input/parse-error');
  });

  it('reads standard input', () => {
    const run = rampart(['audit', ...INPUT_ONLY, '--fail-on', 'info', '-'], readFileSync(SUPPRESSIONS, 'utf8'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('<stdin>:');
  });

  it('2 for a missing file', () => {
    expectUsageError(rampart(['audit', path.join(workdir, 'missing.yaml')]), /^rampart: input not found: .*missing\.yaml$/m);
  });

  it('2 for an unknown flag', () => {
    expectUsageError(rampart(['audit', '--frobnicate', CLEAN]), /^rampart: unknown option '--frobnicate'/m);
  });

  it('2 for an unknown format', () => {
    expectUsageError(rampart(['audit', '--format', 'xml', CLEAN]), /^rampart: unknown format "xml"; use one of text, json, sarif$/m);
  });

  it('2 for a bad --fail-on', () => {
    expectUsageError(rampart(['audit', '--fail-on', 'severe', CLEAN]), /^rampart: --fail-on must be one of critical, high, medium, low, info, not "severe"$/m);
  });

  it('2 for no input', () => {
    expect(rampart(['audit']).code).toBe(2);
  });

  it('2 for an unknown check', () => {
    expectUsageError(rampart(['audit', '--check', 'pss/no-such-check', CLEAN]), /no check matches "pss\/no-such-check"/);
  });
});

describe('audit output', () => {
  it('json prints only JSON', () => {
    const run = rampart(['audit', ...INPUT_ONLY, '--format', 'json', SUPPRESSIONS]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { schemaVersion: string; findings: unknown[]; summary: { suppressed: number } };
    expect(report.schemaVersion).toBe('1.0');
    expect(report.findings).toHaveLength(4);
    expect(report.summary.suppressed).toBe(1);
  });

  it('sarif prints only SARIF', () => {
    const run = rampart(['audit', ...INPUT_ONLY, '--format', 'sarif', SUPPRESSIONS]);
    expect(run.code).toBe(0);
    const log = JSON.parse(run.stdout) as { version: string; runs: Array<{ results: unknown[] }> };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results).toHaveLength(4);
  });

  it('text has no colour in a pipe', () => {
    const run = runCli(['audit', ...INPUT_ONLY, SUPPRESSIONS], { cwd: workdir, env: { NO_COLOR: undefined } });
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });

  it('--output writes the file', () => {
    const output = path.join(workdir, 'report.json');
    const run = rampart(['audit', ...INPUT_ONLY, '--format', 'json', '--output', output, SUPPRESSIONS]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect((JSON.parse(readFileSync(output, 'utf8')) as { findings: unknown[] }).findings).toHaveLength(4);
  });

  it('--output keeps an existing file', () => {
    const output = path.join(workdir, 'kept.txt');
    writeFileSync(output, 'keep me\n');
    expectUsageError(rampart(['audit', ...INPUT_ONLY, '--output', output, SUPPRESSIONS]), /kept\.txt already exists; use --force to overwrite it$/m);
    expect(readFileSync(output, 'utf8')).toBe('keep me\n');
  });

  it('--force overwrites the file', () => {
    const output = path.join(workdir, 'replaced.txt');
    writeFileSync(output, 'old\n');
    const run = rampart(['audit', ...INPUT_ONLY, '--force', '--output', output, SUPPRESSIONS]);
    expect(run.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toContain('input/duplicate-object');
  });

  it('--output leaves no file on a usage error', () => {
    const output = path.join(workdir, 'never.txt');
    expect(rampart(['audit', '--fail-on', 'severe', '--output', output, CLEAN]).code).toBe(2);
    expect(existsSync(output)).toBe(false);
  });
});

describe('checks command', () => {
  it('lists the catalog', () => {
    const run = rampart(['checks']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`${CATALOG.length} checks`);
    for (const check of CATALOG) expect(run.stdout).toContain(check.id);
  });

  it('describes one check', () => {
    const run = rampart(['checks', 'input/parse-error']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('input/parse-error');
    expect(run.stdout).toMatch(/severity: +high/);
    expect(run.stdout).toMatch(/fix: +Fix the syntax at the given line, then audit again\./);
  });

  it('describes one check as JSON', () => {
    const run = rampart(['checks', '--format', 'json', 'input/parse-error']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: 'input/parse-error', area: 'input', severity: 'high' });
  });

  it('2 for an unknown check id', () => {
    expectUsageError(rampart(['checks', 'pss/no-such-check']), /^rampart: no check has the id "pss\/no-such-check"/);
  });
});
