import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/load/index.js';
import { auditFiles, idsOf } from '../support/audit.js';
import { spawnSync } from 'node:child_process';
import { buildCli, runCli } from '../support/cli.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-hostile-'));
const file = (name: string, text: string) => {
  const full = path.join(folder, name);
  writeFileSync(full, text);
  return full;
};
const privilegedPod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: a, image: x:1, securityContext: {privileged: true}}]\n';

describe('hostile input on the command line', () => {
  it('--check never hides a parse error', () => {
    const run = runCli(['audit', '--check', 'pss/privileged', file('broken.json', '{"apiVersion": "v1", "kind": ')], { cwd: folder });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('input/parse-error');
  });

  it('empty input is exit 2', () => {
    const run = runCli(['audit', file('empty.yaml', '')], { cwd: folder });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no Kubernetes objects or values documents');
  });

  it('standard input only once', () => {
    const run = runCli(['audit', '-', '-'], { cwd: folder, input: privilegedPod });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('only once');
  });

  it('--output to a folder or a missing folder is exit 2', () => {
    const input = file('pod.yaml', privilegedPod);
    const toFolder = runCli(['audit', input, '-o', folder], { cwd: folder });
    expect(toFolder.code).toBe(2);
    expect(toFolder.stderr).toContain('is a folder');
    const missing = runCli(['audit', input, '-o', path.join(folder, 'no', 'such', 'report.txt')], { cwd: folder });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });

  it('rejects misspelt suppression keys and unknown checks', () => {
    const input = file('pod2.yaml', privilegedPod);
    const misspelt = file('misspelt.yaml', 'suppressions:\n  - check: pss/privileged\n    reason: only q\n    resouce: Pod/default/q\n');
    const unknownCheck = file('unknown.yaml', 'suppressions:\n  - check: pss/privilegd\n    reason: typo\n');
    const first = runCli(['audit', input, '--config', misspelt], { cwd: folder });
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('unknown key "resouce"');
    const second = runCli(['audit', input, '--config', unknownCheck], { cwd: folder });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('pss/privilegd');
  });

  it('escapes control characters in text', () => {
    const input = file('evil.yaml', privilegedPod.replace('name: p', 'name: "evil\\e[2K\\n0 findings"'));
    const run = runCli(['audit', '--check', 'pss/privileged', input], { cwd: folder });
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).toContain('evil\\x1b[2K\\x0a0 findings');
  });
});

describe('hostile input in the model', () => {
  it('refuses aliases of a long string', () => {
    const long = 'x'.repeat(1024 * 1024);
    const source = `command: [&s "${long}"]\nargs: [${Array.from({ length: 2000 }, () => '*s').join(',')}]\n`;
    const [parsed] = parseText(source, 'strings.yaml');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('MB of text');
  });

  it('a malformed policy selector isolates nothing', async () => {
    const input = file('np.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: app}\nspec: {containers: [{name: a, image: x:1}]}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: all, namespace: app}\nspec:\n  podSelector: "everything"\n');
    expect(idsOf(await auditFiles([input]))).toContain('netpol/no-default-deny');
  });

  it('a workload annotation cannot hide a namespace finding', async () => {
    mkdirSync(path.join(folder, 'scope'), { recursive: true });
    const input = file('scope/deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a-innocent\n  namespace: prod\n  annotations:\n    rampart.dev/suppress: "netpol/*: this app is fine"\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: a, image: x:1}]}\n');
    const result = await auditFiles([input]);
    const finding = result.findings.find((entry) => entry.checkId === 'netpol/no-default-deny');
    expect(finding).toBeDefined();
    expect(finding?.suppressed).toBeUndefined();
  });
});

describe('command-line edges', () => {
  it('no command is a usage error', () => {
    const run = runCli([], { cwd: folder });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: rampart');
  });

  it('a device is not an input', () => {
    const run = runCli(['audit', '/dev/zero'], { cwd: folder });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is a device');
  });

  it('lists the checks of an area', () => {
    const run = runCli(['checks', 'netpol'], { cwd: folder });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('netpol/no-default-deny');
    expect(run.stdout).not.toContain('pss/');
  });

  it('notes --set without a chart', () => {
    const run = runCli(['audit', '--set', 'a=b', '--check', 'input/*', file('plain.yaml', privilegedPod)], { cwd: folder });
    expect(run.stderr).toContain('--set and --release apply only to charts');
  });

  it('gives an alias bomb its own fix', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 8; level++) levels.push(`l${level}: &l${level} [${Array(10).fill(level === 1 ? '*a' : `*l${level - 1}`).join(', ')}]`);
    const result = await auditFiles([file('bomb.yaml', levels.join('\n') + '\n')]);
    const finding = result.findings.find((entry) => entry.checkId === 'input/parse-error');
    expect(finding?.remediation).toContain('aliases');
  });
});

describe('output and duplicates', () => {
  it('keeps the exit code when a pipe closes early', () => {
    const input = file('many.yaml', Array.from({ length: 300 }, (_, index) => privilegedPod.replace('name: p', `name: p${index}`)).join('---\n'));
    const run = spawnSync('bash', ['-c', `node "${buildCli()}" audit --format json "${input}" | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', cwd: folder });
    expect(run.stdout.trim()).toBe('1');
    expect(run.stderr).toBe('');
  });

  it('reports a full disk as one line and exit 2', () => {
    const run = spawnSync('bash', ['-c', `node "${buildCli()}" checks > /dev/full`], { encoding: 'utf8', cwd: folder });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('cannot write the output');
  });

  it('audits the later of two duplicates', async () => {
    const safe = privilegedPod.replace('privileged: true', 'privileged: false');
    const input = file('dups.yaml', `${safe}---\n${privilegedPod}`);
    const result = await auditFiles([input]);
    expect(idsOf(result)).toContain('pss/privileged');
    expect(idsOf(result)).toContain('input/duplicate-object');
  });

  it('reads a FIFO once and keeps its lines', () => {
    const fifo = path.join(folder, 'input.fifo');
    const run = spawnSync('bash', ['-c', `mkfifo "${fifo}" && (printf '%s' "$POD" > "${fifo}" &) && timeout 20 node "${buildCli()}" audit --check pss/privileged "${fifo}"`], { encoding: 'utf8', cwd: folder, env: { ...process.env, POD: `# comment\n${privilegedPod}` } });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('input.fifo:7');
  });

  it('rejects a device as a values or config file', () => {
    const input = file('pod3.yaml', privilegedPod);
    expect(runCli(['audit', input, '-f', '/dev/zero'], { cwd: folder }).code).toBe(2);
    expect(runCli(['audit', input, '--config', '/dev/zero'], { cwd: folder }).code).toBe(2);
  });
});

describe('small input edges', () => {
  it('ignores a byte order mark of a later document', async () => {
    const input = file('midbom.yaml', `${privilegedPod}---\n\uFEFF${privilegedPod.replace('name: p', 'name: q')}`);
    const result = await auditFiles([input]);
    expect(result.inventory.problems).toEqual([]);
    expect(result.inventory.resources.map((resource) => resource.name)).toEqual(['p', 'q']);
  });

  it('reads a linked file in a folder once', async () => {
    const linked = path.join(folder, 'linked');
    mkdirSync(linked, { recursive: true });
    writeFileSync(path.join(linked, 'a.yaml'), privilegedPod);
    symlinkSync(path.join(linked, 'a.yaml'), path.join(linked, 'b.yaml'));
    const result = await auditFiles([linked]);
    expect(result.inventory.resources).toHaveLength(1);
    expect(idsOf(result)).not.toContain('input/duplicate-object');
  });

  it('escapes control characters on stderr', () => {
    const run = runCli(['audit', 'nofile\u001b[31mRED.yaml'], { cwd: folder });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('\u001b');
    expect(run.stderr).toContain('\\x1b[31mRED');
  });
});

describe('command groups', () => {
  it('a group without its subcommand is a usage error', () => {
    for (const group of ['netpol', 'harden']) {
      const run = runCli([group], { cwd: folder });
      expect(run.code, group).toBe(2);
      expect(run.stderr).toContain(`Usage: rampart ${group}`);
    }
  });

  it('an empty --output is a usage error', () => {
    const run = runCli(['audit', file('pod4.yaml', privilegedPod), '-o', ''], { cwd: folder });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--output needs a file path');
  });
});
