import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { CORPUS, ROOT } from '../support/audit.js';
import { WEB_SERVICE_AND_DEPLOYMENT } from '../support/manifests.js';

const example = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');
const basicValues = path.join(ROOT, 'examples', 'values', 'basic.yaml');
const natsTls = path.join(CORPUS, 'realworld', 'rendered', 'nats-tls.yaml');
const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-transport-cli-'));

describe('transport map on the command line', () => {
  it('text lists plaintext flows, exit 1', () => {
    const run = runCli(['transport', 'map', example, '-f', basicValues], { cwd: folder });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^plaintext \(\d+\)/);
    expect(run.stdout).toContain('howso/platform-api-v3[Deployment] -> howso/platform-nats[Service, not in the input] : TCP 4222 (nats)');
    expect(run.stdout).toContain('the client connects with a nats:// URL and does not require TLS');
    expect(run.stdout).toMatch(/\d+ flow\(s\): \d+ plaintext, 0 TLS optional/);
  });

  it('json is versioned and complete', () => {
    const run = runCli(['transport', 'map', '--format', 'json', example], { cwd: folder });
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout) as { version: number; encrypted: boolean; summary: Record<string, number>; flows: { verdict: string; source: { id: string }; destination: { type: string; name: string }; port: number; evidence: string[] }[] };
    expect(document.version).toBe(1);
    expect(document.encrypted).toBe(false);
    expect(document.summary.plaintext).toBe(document.flows.length);
    const nats = document.flows.filter((flow) => flow.destination.name === 'platform-nats');
    expect(nats.length).toBeGreaterThan(0);
    expect(nats[0]).toMatchObject({ verdict: 'plaintext', port: 4222, destination: { type: 'service' } });
  });

  it('dot colours edges by verdict', () => {
    const output = path.join(folder, 'map.dot');
    const run = runCli(['transport', 'map', '--format', 'dot', '-o', output, example], { cwd: folder });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const dot = readFileSync(output, 'utf8');
    expect(dot).toMatch(/^digraph transport \{/);
    expect(dot).toContain('"howso/platform-api-v3[Deployment]" -> "howso/platform-nats[Service, not in the input]" [label="4222/nats", color=red');
  });

  it('output file is not overwritten', () => {
    const output = path.join(folder, 'existing.txt');
    writeFileSync(output, 'keep');
    expect(runCli(['transport', 'map', '-o', output, example], { cwd: folder }).code).toBe(2);
    expect(readFileSync(output, 'utf8')).toBe('keep');
    expect(runCli(['transport', 'map', '-o', output, '--force', example], { cwd: folder }).code).toBe(1);
  });

  it('encrypted install exits 0', () => {
    const run = runCli(['transport', 'map', '-n', 'howso', natsTls], { cwd: folder });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('TLS (1)');
  });

  it('rejects bad input and options', () => {
    expect(runCli(['transport', 'map', '/no/such/file.yaml'], { cwd: folder }).code).toBe(2);
    expect(runCli(['transport', 'map', '--format', 'xml', example], { cwd: folder }).code).toBe(2);
    expect(runCli(['transport', 'map', '--profile', 'other', example], { cwd: folder }).code).toBe(2);
    const broken = path.join(folder, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: v1\nkind: Service\nmetadata: {name: [unclosed\n');
    const run = runCli(['transport', 'map', broken], { cwd: folder });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('broken.yaml');
  });

  it('hostile names are escaped', () => {
    const hostile = path.join(folder, 'hostile.yaml');
    writeFileSync(
      hostile,
      `${WEB_SERVICE_AND_DEPLOYMENT}apiVersion: apps/v1
kind: Deployment
metadata: {name: "api\\"\\u001b[31m\\nforged\\u202e", namespace: howso}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}, annotations: [not, a, map]}
    spec:
      containers:
      - name: api
        image: 42
        env: [{name: TARGET, value: "http://web:8080"}, {name: 7, value: {}}, "junk"]
`,
    );
    const text = runCli(['transport', 'map', hostile], { cwd: folder });
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toContain('\\x1b[31m\\x0aforged\\u{202e}[Deployment] -> howso/web[Deployment]');
    expect(text.stdout).not.toContain('\u001b');
    const dot = runCli(['transport', 'map', '--format', 'dot', hostile], { cwd: folder });
    expect(dot.code, dot.stderr).toBe(1);
    expect(dot.stdout).toContain('"howso/api\\"\\\\x1b[31m\\nforged\\\\u{202e}[Deployment]" -> "howso/web[Deployment]"');
    expect(dot.stdout).not.toContain('\u001b');
    expect(dot.stdout).not.toContain('\u202e');
    const json = runCli(['transport', 'map', '--format', 'json', hostile], { cwd: folder });
    expect(() => JSON.parse(json.stdout)).not.toThrow();
  });
});
