import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { CORPUS, ROOT } from '../support/audit.js';

const example = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');
const guide = path.join(CORPUS, 'realworld', 'manifests');
const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-netpol-cli-'));

describe('netpol connlist on the command line', () => {
  it('prints np-guard lines', () => {
    const run = runCli(['netpol', 'connlist', example], { cwd: folder });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('howso/platform-ui-v2[Deployment] => howso/platform-api-v3[Deployment] : All Connections');
  });

  it('writes every format', () => {
    for (const format of ['json', 'csv', 'dot', 'md']) {
      const output = path.join(folder, `connlist.${format}`);
      const run = runCli(['netpol', 'connlist', '--format', format, '-o', output, example], { cwd: folder });
      expect(run.code, `${format}: ${run.stderr}`).toBe(0);
      expect(readFileSync(output, 'utf8').length).toBeGreaterThan(100);
    }
    expect(() => JSON.parse(readFileSync(path.join(folder, 'connlist.json'), 'utf8'))).not.toThrow();
  });

  it('rejects bad input and options', () => {
    expect(runCli(['netpol', 'connlist', '/no/such/file.yaml'], { cwd: folder }).code).toBe(2);
    expect(runCli(['netpol', 'connlist', '--format', 'xml', example], { cwd: folder }).code).toBe(2);
  });
});

describe('netpol explain on the command line', () => {
  it('allows within the namespace under deny-all-ingress', () => {
    const run = runCli(['netpol', 'explain', '-n', 'howso', guide, example, '--from', 'howso/platform-api-v3', '--to', 'howso/platform-ums:8000'], { cwd: folder });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('allowed');
  });

  it('denies from another namespace and names the policy', () => {
    const outsider = path.join(folder, 'outsider.yaml');
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: probe, namespace: other}\nspec:\n  selector: {matchLabels: {app: probe}}\n  template:\n    metadata: {labels: {app: probe}}\n    spec: {containers: [{name: a, image: x:1}]}\n';
    writeFileSync(outsider, text);
    const run = runCli(['netpol', 'explain', '-n', 'howso', guide, example, outsider, '--from', 'other/probe', '--to', 'howso/platform-api-v3:8080'], { cwd: folder });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('deny-all-ingress');
  });

  it('rejects an unknown endpoint and a bad port', () => {
    expect(runCli(['netpol', 'explain', example, '--from', 'nope', '--to', 'howso/platform-api-v3'], { cwd: folder }).code).toBe(2);
    expect(runCli(['netpol', 'explain', example, '--from', 'howso/platform-ui-v2', '--to', 'howso/platform-api-v3:99999'], { cwd: folder }).code).toBe(2);
  });
});

describe('ingress controller options', () => {
  const bundle = path.join(folder, 'bundle-ingress');

  it('connlist shows the controller a bundle admits', () => {
    expect(runCli(['harden', 'netpol', example, '--out', bundle, '--force'], { cwd: folder }).code).toBe(0);
    const unknown = runCli(['netpol', 'connlist', example, bundle], { cwd: folder });
    expect(unknown.code).toBe(0);
    expect(unknown.stdout).not.toContain('{ingress-controller} =>');
    const located = runCli(['netpol', 'connlist', example, bundle, '--ingress-namespace', 'ingress-nginx'], { cwd: folder });
    expect(located.code).toBe(0);
    expect(located.stdout).toContain('{ingress-controller} => howso/platform-ui-v2[Deployment] : TCP 8080');
  });

  it('explain decides for the located controller', () => {
    const run = runCli(['netpol', 'explain', example, bundle, '--ingress-label', 'app.kubernetes.io/name=ingress-nginx', '--from', '{ingress-controller}', '--to', 'howso/platform-ums:8000'], { cwd: folder });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('allowed by NetworkPolicy howso/rampart-platform-ums-ingress');
    const other = runCli(['netpol', 'explain', example, bundle, '--ingress-namespace', 'traefik', '--from', '{ingress-controller}', '--to', 'howso/platform-ums:8000'], { cwd: folder });
    expect(other.code).toBe(1);
  });

  it('rejects non-DNS-label namespace', () => {
    const invalid = ['Ingress', 'a'.repeat(64)];
    const commands = [
      ['netpol', 'connlist', example],
      ['netpol', 'explain', example, '--from', 'howso/platform-ui-v2', '--to', 'howso/platform-api-v3'],
      ['harden', 'netpol', example, '--out', path.join(folder, 'never-written')],
    ];
    for (const command of commands) {
      for (const namespace of invalid) {
        const run = runCli([...command, '--ingress-namespace', namespace], { cwd: folder });
        expect(run.code, `${command.slice(0, 2).join(' ')} --ingress-namespace "${namespace}"`).toBe(2);
        expect(run.stderr).toContain(`invalid --ingress-namespace "${namespace}"`);
      }
    }
    expect(existsSync(path.join(folder, 'never-written'))).toBe(false);
    expect(runCli(['netpol', 'connlist', example, '--ingress-namespace', 'a'.repeat(63)], { cwd: folder }).code).toBe(0);
  });
});

describe('input reporting of netpol commands', () => {
  it('notes a duplicate object once', () => {
    const first = path.join(folder, 'twice-a.yaml');
    const second = path.join(folder, 'twice-b.yaml');
    const web = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: example/web:1}]}\n';
    writeFileSync(first, web);
    writeFileSync(second, `# the same Deployment again\n---\n${web}---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n`);
    const run = runCli(['netpol', 'connlist', first, second], { cwd: folder });
    expect(run.code).toBe(0);
    const notes = run.stderr.split('\n').filter((line) => line.includes('defined again'));
    expect(notes).toEqual([`rampart: ${first}:1: Deployment shop/web is defined again in ${second}:3; the later one is used`]);
  });
});

describe('netpol notes on empty results', () => {
  it('connlist notes input without workloads', () => {
    const policies = path.join(folder, 'only-policy.yaml');
    writeFileSync(policies, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: howso}\nspec: {podSelector: {}}\n');
    const run = runCli(['netpol', 'connlist', policies], { cwd: folder });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('rampart: no workloads found in the input, so there are no connections to list\n');
  });

  it('flows notes input with only non-objects', () => {
    const scalars = path.join(folder, 'scalars.yaml');
    writeFileSync(scalars, '- one\n- two\n---\n42\n');
    const run = runCli(['netpol', 'flows', scalars], { cwd: folder });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('rampart: no flows found: the input has no workloads\n');
  });
});

describe('transport map next to netpol flows', () => {
  it('explains unmapped flow to absent Service', () => {
    const input = path.join(folder, 'absent-service.yaml');
    writeFileSync(
      input,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: shop}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec: {containers: [{name: main, image: x, env: [{name: CART_SERVICE_ADDR, value: "cartservice:7070"}]}]}
`,
    );
    const flows = runCli(['netpol', 'flows', input], { cwd: folder });
    expect(flows.stdout).toContain('shop/frontend[Deployment] => shop/cartservice[Service, not in the input] : TCP 7070');

    const map = runCli(['transport', 'map', input], { cwd: folder });
    expect(map.code, map.stderr).toBe(0);
    expect(map.stdout).toContain('only for the datastores of the howso-platform profile');
    expect(map.stdout).not.toContain('nothing in the input names a Service');
    const json = runCli(['transport', 'map', '--format', 'json', input], { cwd: folder });
    expect(json.stderr).toContain('no flows mapped: the input names only Services that it does not contain');
  });
});
