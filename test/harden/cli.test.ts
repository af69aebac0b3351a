import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../support/audit.js';
import { buildCli, runCli, type CliRun } from '../support/cli.js';

const EXAMPLE = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');

let workdir: string;

function rampart(args: string[]): CliRun {
  return runCli(args, { cwd: workdir });
}

function expectUsageError(run: CliRun, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(pattern);
}

beforeAll(() => {
  workdir = mkdtempSync(path.join(os.tmpdir(), 'rampart-harden-'));
  buildCli();
});

afterAll(() => {
  rmSync(workdir, { recursive: true, force: true });
});

describe('harden netpol command', () => {
  it('writes the bundle and passes the proof', () => {
    const out = path.join(workdir, 'bundle');
    const run = rampart(['harden', 'netpol', EXAMPLE, '--out', out]);
    expect(run.stderr).toContain(`wrote 3 files to ${out}`);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^proof passed: all \d+ needed flows are allowed and nothing else between the 8 workloads in howso/);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'bundle.yaml', 'networkpolicies-howso.yaml']);

    const text = readFileSync(path.join(out, 'networkpolicies-howso.yaml'), 'utf8');
    const parsed = parseAllDocuments(text);
    expect(Array.isArray(parsed)).toBe(true);
    for (const document of parsed as unknown as { errors: unknown[] }[]) expect(document.errors).toEqual([]);
    expect(text).not.toContain('pod-template-hash');
    expect(readFileSync(path.join(out, 'README.md'), 'utf8')).toContain(`kubectl apply -n howso -f ${out}/networkpolicies-howso.yaml`);
  });

  it('keeps files without --force', () => {
    const out = path.join(workdir, 'twice');
    expect(rampart(['harden', 'netpol', EXAMPLE, '--out', out]).code).toBe(0);
    expectUsageError(rampart(['harden', 'netpol', EXAMPLE, '--out', out]), /already exist; use --force to overwrite/);
    expect(rampart(['harden', 'netpol', EXAMPLE, '--out', out, '--force']).code).toBe(0);
  });

  it('--force removes stale policy files', () => {
    const out = path.join(workdir, 'shrinking');
    const other = path.join(workdir, 'other-namespace.yaml');
    writeFileSync(other, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: other}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}\n');
    expect(rampart(['harden', 'netpol', EXAMPLE, other, '--out', out]).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'bundle.yaml', 'networkpolicies-howso.yaml', 'networkpolicies-other.yaml']);
    writeFileSync(path.join(out, 'notes.txt'), 'kept\n');

    const run = rampart(['harden', 'netpol', EXAMPLE, '--out', out, '--force']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`removed ${path.join(out, 'networkpolicies-other.yaml')}`);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'bundle.yaml', 'networkpolicies-howso.yaml', 'notes.txt']);
    expect(readFileSync(path.join(out, 'bundle.yaml'), 'utf8')).not.toContain('networkpolicies-other.yaml');
  });

  it('rejects invalid options', () => {
    const out = path.join(workdir, 'invalid');
    expectUsageError(rampart(['harden', 'netpol', EXAMPLE, '--out', out, '--ingress-label', 'no-value']), /invalid --ingress-label "no-value"/);
    expectUsageError(rampart(['harden', 'netpol', EXAMPLE, '--out', out, '--ingress-label', 'app=bad value']), /invalid --ingress-label/);
    expectUsageError(rampart(['harden', 'netpol', EXAMPLE]), /--out/);
    expectUsageError(rampart(['harden', 'netpol', EXAMPLE, '--out', EXAMPLE]), /is a file; give a folder/);
  });

  it('skips the proof with --no-verify', () => {
    const run = rampart(['harden', 'netpol', EXAMPLE, '--out', path.join(workdir, 'unverified'), '--no-verify']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
  });

  it('hardens a controller in howso', () => {
    const out = path.join(workdir, 'bundle-controller-in-howso');
    const run = rampart(['harden', 'netpol', EXAMPLE, '--out', out, '--ingress-namespace', 'howso']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^proof passed: /);
    expect(run.stdout).not.toContain('not checked');
    const explained = rampart(['netpol', 'explain', EXAMPLE, out, '--ingress-namespace', 'howso', '--from', '{ingress-controller}', '--to', 'howso/platform-ui-v2']);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain('egress of {ingress-controller}: allowed');
  });

  it('uses the configured ingress controller', () => {
    const out = path.join(workdir, 'traefik');
    const run = rampart(['harden', 'netpol', EXAMPLE, '--out', out, '--ingress-namespace', 'traefik', '--ingress-label', 'app.kubernetes.io/name=traefik']);
    expect(run.code).toBe(0);
    const text = readFileSync(path.join(out, 'networkpolicies-howso.yaml'), 'utf8');
    expect(text).toContain('kubernetes.io/metadata.name: traefik');
    expect(text).not.toContain('ingress-nginx');
  });
});

describe('netpol flows command', () => {
  it('prints flows with reasons', () => {
    const run = rampart(['netpol', 'flows', EXAMPLE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('howso/platform-api-v3[Deployment] => howso/platform-ums[Deployment] : TCP 8000 (http, application)\n    because ConfigMap platform-config key UMS_INTERNAL_URL names platform-ums.howso.svc.cluster.local:8000');
    expect(run.stdout).toContain('howso/platform-ums[Deployment] => kube-system/{k8s-app=kube-dns} : UDP 53 (dns, dns)');
  });

  it('prints flows as JSON', () => {
    const run = rampart(['netpol', 'flows', EXAMPLE, '--format', 'json']);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as { source: string; destination: string; port: number; protocol: string; purpose: string; reasons: string[] }[];
    const ingress = rows.find((row) => row.source === '{ingress-controller}' && row.destination === 'howso/platform-ui-v2[Deployment]');
    expect(ingress?.port).toBe(8080);
    expect(ingress?.reasons).toEqual(['Ingress howso/platform-ui-v2 routes www.local.howso.com/ to it']);
    expect(rows.filter((row) => row.purpose === 'dns')).toHaveLength(16);
  });

  it('rejects an unknown format', () => {
    expectUsageError(rampart(['netpol', 'flows', EXAMPLE, '--format', 'csv']), /unknown format "csv"/);
  });
});
