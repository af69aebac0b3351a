import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeControl } from '../../src/report/escape.js';
import { buildCli, runCli, type CliRun } from '../support/cli.js';
import { WEB_SERVICE_AND_DEPLOYMENT } from '../support/manifests.js';

/** A Deployment name with an ANSI colour sequence and a right-to-left override (U+202E). */
const HOSTILE = 'api\u001b[31m\u202eevil';
const ESCAPED = 'api\\x1b[31m\\u{202e}evil';

const INSTALL = `${WEB_SERVICE_AND_DEPLOYMENT}apiVersion: apps/v1
kind: Deployment
metadata: {name: "api\\u001b[31m\\u202eevil", namespace: howso}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: x
        env: [{name: TARGET, value: "http://web:8080"}, {name: CART_SERVICE_ADDR, value: "cartservice:7070"}]
`;

/** Asserts that a text shows the hostile name escaped and contains none of its raw characters. */
function expectEscaped(text: string): void {
  expect(text).toContain(ESCAPED);
  expect(text).not.toContain('\u001b');
  expect(text).not.toContain('\u202e');
}

describe('escapeControl', () => {
  it('escapes C0, C1 and DEL as \\xNN', () => {
    expect(escapeControl('a\u001bb\u007fc\u009bd\ne')).toBe('a\\x1bb\\x7fc\\x9bd\\x0ae');
  });

  it('escapes bidirectional marks as \\u{NNNN}', () => {
    expect(escapeControl('a\u202eb\u2066c\u200fd\u061ce\u2028f')).toBe('a\\u{202e}b\\u{2066}c\\u{200f}d\\u{61c}e\\u{2028}f');
  });

  it('keeps other text', () => {
    expect(escapeControl('ns/name[Deployment] é 日本 \u00a0')).toBe('ns/name[Deployment] é 日本 \u00a0');
  });
});

describe('hostile names in netpol and harden netpol output', () => {
  let cwd: string;
  let install: string;
  const rampart = (args: string[]): CliRun => runCli(args, { cwd });

  beforeAll(() => {
    buildCli();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'rampart-netpol-escape-'));
    install = path.join(cwd, 'hostile.yaml');
    writeFileSync(install, INSTALL);
  });

  afterAll(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  it.each(['text', 'csv', 'md'])('connlist %s escapes them', (format) => {
    const run = rampart(['netpol', 'connlist', '--format', format, install]);
    expect(run.code, run.stderr).toBe(0);
    expectEscaped(run.stdout);
  });

  it('connlist dot escapes them', () => {
    const run = rampart(['netpol', 'connlist', '--format', 'dot', install]);
    expect(run.code, run.stderr).toBe(0);
    // DOT reads a backslash pair as one backslash, so the graph's label shows the same escape as the text form.
    expect(run.stdout).toContain(`"howso/${ESCAPED.replaceAll('\\', '\\\\')}[Deployment]" -> "howso/web[Deployment]"`);
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).not.toContain('\u202e');
  });

  it('connlist json keeps them', () => {
    const run = rampart(['netpol', 'connlist', '--format', 'json', install]);
    const rows = JSON.parse(run.stdout) as { source: string }[];
    expect(rows.map((row) => row.source)).toContain(`howso/${HOSTILE}[Deployment]`);
  });

  it('flows text escapes them', () => {
    const run = rampart(['netpol', 'flows', install]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`howso/${ESCAPED}[Deployment] => howso/web[Deployment] : TCP 8080`);
    expectEscaped(run.stdout);
  });

  it('flows json keeps them', () => {
    const run = rampart(['netpol', 'flows', '--format', 'json', install]);
    const rows = JSON.parse(run.stdout) as { source: string }[];
    expect(rows.map((row) => row.source)).toContain(`howso/${HOSTILE}[Deployment]`);
  });

  it('explain text escapes them', () => {
    const run = rampart(['netpol', 'explain', install, '--from', `howso/${HOSTILE}`, '--to', 'howso/web:8080']);
    expect(run.code, run.stderr).toBe(0);
    expectEscaped(run.stdout);
  });

  it('harden netpol escapes them in comments and README', () => {
    const out = path.join(cwd, 'bundle');
    const run = rampart(['harden', 'netpol', install, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('\u001b');
    const policies = readFileSync(path.join(out, 'networkpolicies-howso.yaml'), 'utf8');
    const comments = policies.split('\n').filter((line) => line.trimStart().startsWith('#'));
    expectEscaped(comments.join('\n'));
    const readme = readFileSync(path.join(out, 'README.md'), 'utf8');
    expectEscaped(readme);
  });
});
