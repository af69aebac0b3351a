import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INGRESS_CONTROLLER, synthesizeNetpol } from '../../src/harden/netpol.js';
import { buildInventory } from '../../src/model/inventory.js';
import { loadInputs } from '../../src/load/index.js';
import { auditFiles, ROOT } from '../support/audit.js';
import { runCli } from '../support/cli.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-harden-edges-'));
const example = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');

const deployment = (namespace: string, name: string, labels: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec:\n  selector: {matchLabels: {${labels}}}\n  template:\n    metadata: {labels: {${labels}}}\n    spec: {containers: [{name: a, image: x:1}]}\n`;

describe('harden netpol edges', () => {
  it('writes nothing for kube-system', async () => {
    const file = path.join(folder, 'dns.yaml');
    writeFileSync(file, `${deployment('kube-system', 'coredns', 'k8s-app: kube-dns')}---\n${deployment('app', 'web', 'app: web')}`);
    const bundle = synthesizeNetpol(buildInventory(await loadInputs([file])), { ingressController: DEFAULT_INGRESS_CONTROLLER });
    expect(bundle.namespaces.map((entry) => entry.namespace)).toEqual(['app']);
    expect(bundle.problems.some((problem) => problem.includes('kube-system'))).toBe(true);
  });

  it('refuses input that did not parse', () => {
    const broken = path.join(folder, 'broken.yaml');
    writeFileSync(broken, 'kind: [\n');
    const run = runCli(['harden', 'netpol', example, broken, '--out', path.join(folder, 'out-broken')], { cwd: folder });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('broken.yaml:');
  });

  it('rejects an --out whose parent is missing', () => {
    const run = runCli(['harden', 'netpol', example, '--out', path.join(folder, 'no', 'such', 'out')], { cwd: folder, timeout: 20_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('does not exist');
  });

  it('netpol commands refuse unparsed input', () => {
    const broken = path.join(folder, 'broken2.yaml');
    writeFileSync(broken, 'kind: [\n');
    for (const command of [['netpol', 'connlist'], ['netpol', 'flows'], ['netpol', 'explain', '--from', 'howso/platform-ui-v2', '--to', 'howso/platform-api-v3']]) {
      const run = runCli([...command, example, broken], { cwd: folder });
      expect(run.code, command.join(' ')).toBe(2);
      expect(run.stderr).toContain('broken2.yaml:');
      expect(run.stdout).toBe('');
    }
  });

  it('skips a document that is no object', () => {
    // A JSON list parses but is no Kubernetes object: every command warns and goes on.
    const list = path.join(folder, 'list.json');
    writeFileSync(list, '[{"src": "a", "dst": "b"}]\n');
    const commands = [['netpol', 'connlist'], ['netpol', 'flows'], ['harden', 'netpol', '--out', path.join(folder, 'out-list')]];
    for (const command of commands) {
      const run = runCli([...command, example, list], { cwd: folder });
      expect(run.code, command.join(' ')).toBe(0);
      expect(run.stderr).toContain('list.json:1: document is a list, not a Kubernetes object or a values mapping, so it is skipped');
      expect(run.stdout).not.toBe('');
    }
  });

  it('its own bundle audits clean', async () => {
    const out = path.join(folder, 'bundle-example');
    const run = runCli(['harden', 'netpol', example, '--out', out], { cwd: folder });
    expect(run.code).toBe(0);
    const result = await auditFiles([example, out]);
    expect(result.findings.filter((finding) => finding.area === 'netpol' && !finding.suppressed)).toEqual([]);
    const suppressed = result.findings.filter((finding) => finding.area === 'netpol' && finding.suppressed);
    expect(suppressed.map((finding) => finding.checkId)).toEqual(Array(4).fill('netpol/policy-selects-nothing'));
  });
});
