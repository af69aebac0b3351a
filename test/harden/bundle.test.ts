import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';
import { meshFiles } from '../../src/cli/harden-mesh.js';
import { tlsFiles } from '../../src/cli/harden-tls.js';
import { applyBundles, BUNDLE_FILE, describeApplied, readBundle } from '../../src/harden/bundle.js';
import { HARDENED_FILE } from '../../src/harden/overlay-effects/index.js';
import { synthesizeMesh } from '../../src/harden/mesh.js';
import { synthesizeTls } from '../../src/harden/tls.js';
import { loadInputs, type LoadOptions } from '../../src/load/index.js';
import { buildInventory } from '../../src/model/inventory.js';
import { encryptionMap } from '../../src/transport/encryption.js';
import { hasUnencryptedFlow } from '../../src/transport/format.js';
import { CORPUS, NOW, ROOT } from '../support/audit.js';
import { buildCli, runCli, type CliRun } from '../support/cli.js';

const RENDERED = path.join(CORPUS, 'realworld', 'rendered');
const EXAMPLE = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');
const BASIC = path.join(ROOT, 'examples', 'values', 'basic.yaml');
const RENDERS = ['nats.yaml', 'nats-tls.yaml', 'nats-linkerd.yaml', 'postgres.yaml', 'postgres-tls.yaml', 'redis.yaml', 'minio-community.yaml'];

const INSTALLS: { name: string; inputs: string[]; options: LoadOptions }[] = [
  { name: 'the rendered example', inputs: [EXAMPLE], options: { valuesFiles: [BASIC] } },
  ...RENDERS.map((render) => ({ name: render, inputs: [path.join(RENDERED, render)], options: { namespace: 'howso' } })),
];

let workdir: string;

beforeAll(() => {
  workdir = mkdtempSync(path.join(os.tmpdir(), 'rampart-bundle-'));
});

afterAll(() => {
  rmSync(workdir, { recursive: true, force: true });
});

function writeFiles(folder: string, files: Map<string, string>): string {
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of files) writeFileSync(path.join(folder, name), text);
  return folder;
}

/** Writes the bundle of `kind` for an install, reads it back, and audits the install as it leaves it. */
async function auditWithBundle(kind: 'mesh' | 'tls', inputs: string[], options: LoadOptions, folder: string) {
  const install = await loadInputs(inputs, options);
  const inventory = buildInventory(install);
  const files = kind === 'mesh' ? meshFiles(synthesizeMesh(inventory, 'linkerd'), folder) : tlsFiles(synthesizeTls(inventory, { caNamespace: 'cert-manager' }), folder);
  writeFiles(folder, files);
  const bundle = await readBundle(folder);
  const { load, applied } = await applyBundles(inputs, options, install, [bundle]);
  const result = audit(load, { now: NOW, checkOptions: { allowedRegistries: [] } });
  return { bundle, applied, result, map: encryptionMap(result.inventory, result.profile?.name === 'howso-platform') };
}

describe('audit of install plus bundle', () => {
  for (const kind of ['tls', 'mesh'] as const) {
    for (const install of INSTALLS) {
      it(`has no transport finding for ${install.name} after harden ${kind}`, async () => {
        const folder = path.join(workdir, `${kind}-${install.name.replace(/\W+/g, '-')}`);
        const { result, map, bundle } = await auditWithBundle(kind, install.inputs, install.options, folder);
        expect(bundle.manifest?.generator).toBe(`rampart harden ${kind}`);
        const transport = result.findings.filter((finding) => finding.checkId.startsWith('transport/') && !finding.suppressed);
        // Flows from the ingress controller, which is not in the input, stay low because the proof does not count them either.
        expect(transport.filter((finding) => finding.severity !== 'low').map((finding) => `${finding.checkId}: ${finding.message}`)).toEqual([]);
        expect(map.length).toBeGreaterThan(0);
        // Whether the ingress controller outside the input is meshed cannot be seen. After harden mesh
        // its flows stay plaintext in the map, so transport map exits 1.
        const unencrypted = map.filter((entry) => entry.verdict !== 'mesh-mtls' && entry.verdict !== 'tls');
        expect(unencrypted.filter((entry) => entry.flow.source.type !== 'ingress-controller')).toEqual([]);
        if (kind === 'tls' || install.inputs[0] !== EXAMPLE) expect(hasUnencryptedFlow(map)).toBe(false);
      });
    }
  }

  it('reports how each overlay applies', async () => {
    const { applied } = await auditWithBundle('tls', [path.join(RENDERED, 'nats.yaml')], { namespace: 'howso' }, path.join(workdir, 'applied'));
    expect(applied.map((entry) => entry.how)).toEqual(['model']);
    const example = await auditWithBundle('tls', [EXAMPLE], { valuesFiles: [BASIC] }, path.join(workdir, 'applied-example'));
    expect(example.applied.find((entry) => entry.release === 'platform-nats')?.how).toBe('absent');
    expect(example.applied.find((entry) => entry.release === 'howso-platform')?.how).toBe('model');
  });
});

describe('bundle.yaml', () => {
  it('rejects invalid manifests', async () => {
    const folder = writeFiles(path.join(workdir, 'malformed'), new Map([[BUNDLE_FILE, 'generator: [unclosed\n']]));
    await expect(readBundle(folder)).rejects.toThrow(/bundle\.yaml: not valid YAML/);
    writeFileSync(path.join(folder, BUNDLE_FILE), 'generator: rampart harden tls\noverlays:\n  - {file: v.yaml, release: r, namespace: n, chart: kafka}\n');
    await expect(readBundle(folder)).rejects.toThrow(/overlays\[0\]\.chart must be one of/);
    writeFileSync(path.join(folder, BUNDLE_FILE), 'generator: rampart harden tls\nmanifests: [../../etc/passwd]\n');
    await expect(readBundle(folder)).rejects.toThrow(/is not a file inside the bundle folder/);
    writeFileSync(path.join(folder, BUNDLE_FILE), 'generator: rampart harden tls\nmanifests: [missing.yaml]\n');
    await expect(readBundle(folder)).rejects.toThrow(/lists missing\.yaml, which is missing/);
  });

  it('reads a folder without it as plain manifests', async () => {
    const folder = writeFiles(path.join(workdir, 'plain'), new Map([['policy.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: howso}\nspec: {podSelector: {}}\n']]));
    const bundle = await readBundle(folder);
    expect(bundle.manifest).toBeUndefined();
    expect(bundle.objects).toHaveLength(1);
    expect(bundle.overlays).toEqual([]);
  });
});

describe('--bundle on the command line', () => {
  let cwd: string;
  const rampart = (args: string[]): CliRun => runCli(args, { cwd });

  beforeAll(() => {
    buildCli();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'rampart-bundle-cli-'));
  });

  it('audits the example as harden tls leaves it, and the map exits 0', () => {
    const out = path.join(cwd, 'tls');
    expect(rampart(['harden', 'tls', '--issuer', 'cert-manager', EXAMPLE, '-f', BASIC, '--out', out]).code).toBe(0);
    expect(readFileSync(path.join(out, BUNDLE_FILE), 'utf8')).toContain('release: howso-platform');

    const before = rampart(['audit', EXAMPLE, '-f', BASIC, '--check', 'transport/*', '--format', 'json']);
    expect(before.code).toBe(1);
    const run = rampart(['audit', EXAMPLE, '-f', BASIC, '--bundle', out, '--check', 'transport/*', '--format', 'json']);
    const report = JSON.parse(run.stdout) as { findings: { checkId: string; severity: string; suppressed?: unknown }[] };
    expect(report.findings.filter((finding) => finding.checkId.startsWith('transport/') && finding.severity !== 'low')).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/bundle: applied values-howso-platform\.yaml by the charts' models; .*name releases not in the input \(howso\/platform-nats/);

    expect(rampart(['transport', 'map', EXAMPLE, '-f', BASIC]).code).toBe(1);
    expect(rampart(['transport', 'map', EXAMPLE, '-f', BASIC, '--bundle', out]).code).toBe(0);
  });

  it('exits 2 with one line for a malformed bundle.yaml', () => {
    const folder = writeFiles(path.join(cwd, 'broken'), new Map([[BUNDLE_FILE, 'overlays: 3\n']]));
    const run = rampart(['audit', EXAMPLE, '--bundle', folder]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('bundle.yaml: generator must name the rampart command that wrote the bundle');
  });

  it('fails the mesh proof when the install\'s NetworkPolicies would drop meshed flows', () => {
    const out = path.join(cwd, 'mesh-redis');
    const redis = path.join(RENDERED, 'redis.yaml');
    const run = rampart(['harden', 'mesh', '--mesh', 'linkerd', redis, '-n', 'howso', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^proof failed: .*the install's NetworkPolicies would block 3 needed flows of the hardened install/);
    expect(run.stdout).toContain('blocked by NetworkPolicies: StatefulSet howso/platform-redis-replicas -> StatefulSet howso/platform-redis-master port 4143 (tcp)');
    expect(run.stdout).toContain('blocked by NetworkPolicies: the linkerd-viz Prometheus (pods component=prometheus in namespace linkerd-viz) -> StatefulSet howso/platform-redis-master port 4191 (http)');
    expect(run.stdout).toContain(`run rampart harden netpol again on the install with --bundle ${out} (with --replace-existing`);
    expect(readFileSync(path.join(out, 'README.md'), 'utf8')).toContain('NetworkPolicies must be regenerated after meshing');

    const audited = rampart(['audit', redis, '-n', 'howso', '--bundle', out, '--check', 'netpol/*', '--check', 'transport/*', '--format', 'json']);
    const ids = (JSON.parse(audited.stdout) as { findings: { checkId: string }[] }).findings.map((finding) => finding.checkId);
    expect(ids).toContain('netpol/needed-flow-blocked');
    expect(ids.filter((id) => id.startsWith('transport/'))).toEqual([]);
  });

  it('passes the mesh proof of an install whose policies admit the proxies', () => {
    const run = rampart(['harden', 'mesh', '--mesh', 'linkerd', path.join(RENDERED, 'nats.yaml'), '-n', 'howso', '--out', path.join(cwd, 'mesh-nats')]);
    expect(run.stdout).toMatch(/^proof passed/);
    expect(run.code).toBe(0);
  });
});

describe('lines of findings on the hardened install', () => {
  it('keeps unchanged lines, names hardened text', async () => {
    const options: LoadOptions = { valuesFiles: [BASIC] };
    const before = audit(await loadInputs([EXAMPLE], options), { now: NOW, checkOptions: { allowedRegistries: [] } });
    const { result } = await auditWithBundle('tls', [EXAMPLE], options, path.join(workdir, 'lines-tls'));

    const where = (findings: typeof before.findings, checkId: string, name: string) =>
      findings.filter((finding) => finding.checkId === checkId && finding.resource?.name === name).map((finding) => `${finding.file}:${finding.line}`);
    // The Job is not part of any overlay, so its findings point at the example as before.
    const job = before.findings.find((finding) => finding.resource?.kind === 'Job' && finding.file === EXAMPLE);
    expect(job).toBeDefined();
    expect(where(result.findings, job!.checkId, job!.resource!.name)).toEqual(where(before.findings, job!.checkId, job!.resource!.name));
    // podTLS adds a sidecar to the API Deployment, so its findings are in the hardened text.
    const changed = result.findings.filter((finding) => finding.resource?.name === 'platform-api-v3' && finding.resource.kind === 'Deployment');
    expect(changed.length).toBeGreaterThan(0);
    expect(new Set(changed.map((finding) => finding.file))).toEqual(new Set([HARDENED_FILE]));
    // Objects read from the bundle folder point at the bundle's own files.
    const fromBundle = result.inventory.resources.filter((resource) => resource.kind === 'Certificate');
    expect(fromBundle.length).toBeGreaterThan(0);
    for (const resource of fromBundle) expect(resource.source.file.startsWith(path.join(workdir, 'lines-tls'))).toBe(true);
  });
});

describe('deletions in bundle.yaml', () => {
  const policy = (name: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: howso}\nspec: {podSelector: {}}\n`;

  it('rejects invalid deletes', async () => {
    const folder = writeFiles(path.join(workdir, 'bad-deletes'), new Map([[BUNDLE_FILE, 'generator: rampart harden netpol\ndeletes: 3\n']]));
    await expect(readBundle(folder)).rejects.toThrow(/deletes must be a list/);
    writeFileSync(path.join(folder, BUNDLE_FILE), 'generator: rampart harden netpol\ndeletes:\n  - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, namespace: howso}\n');
    await expect(readBundle(folder)).rejects.toThrow(/deletes\[0\]\.name must be a non-empty string/);
  });

  it('rejects a listed symlink to a file outside the folder', async () => {
    const outside = path.join(workdir, 'outside.yaml');
    writeFileSync(outside, policy('outside'));
    const folder = writeFiles(path.join(workdir, 'linked'), new Map([[BUNDLE_FILE, 'generator: rampart harden netpol\nmanifests: [link.yaml]\n']]));
    symlinkSync(outside, path.join(folder, 'link.yaml'));
    await expect(readBundle(folder)).rejects.toThrow(/lists link\.yaml, which resolves to .*outside\.yaml outside the bundle folder/);
  });

  it('removes the listed objects from the install', async () => {
    const install = await loadInputs([writeFiles(path.join(workdir, 'install-policies'), new Map([['policies.yaml', `${policy('chart-policy')}---\n${policy('kept')}`]]))]);
    const deletes = 'deletes:\n  - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, namespace: howso, name: chart-policy}\n  - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, namespace: howso, name: absent}\n';
    const folder = writeFiles(path.join(workdir, 'deleting'), new Map([[BUNDLE_FILE, `generator: rampart harden netpol\nmanifests: [p.yaml]\n${deletes}`], ['p.yaml', policy('rampart-default-deny')]]));
    const bundle = await readBundle(folder);
    expect(bundle.manifest?.deletes).toHaveLength(2);

    const { load, deletions, applied } = await applyBundles([], {}, install, [bundle]);
    const names = load.resources.map((resource) => resource.name).sort();
    expect(names).toEqual(['kept', 'rampart-default-deny']);
    expect(deletions.removed).toEqual([{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'howso', name: 'chart-policy' }]);
    expect(deletions.notFound.map((ref) => ref.name)).toEqual(['absent']);
    const line = describeApplied([bundle], applied, deletions);
    expect(line).toContain('removed NetworkPolicy howso/chart-policy, which the bundle deletes');
    expect(line).toContain('NetworkPolicy howso/absent is to be deleted but not in the input');
  });

  it('reads a bundle.yaml without deletes as before', async () => {
    const folder = writeFiles(path.join(workdir, 'no-deletes'), new Map([[BUNDLE_FILE, 'generator: rampart harden mesh\nmanifests: [p.yaml]\noverlays: []\n'], ['p.yaml', policy('p')]]));
    expect((await readBundle(folder)).manifest?.deletes).toEqual([]);
  });
});

describe('harden netpol --replace-existing with harden mesh', () => {
  let cwd: string;
  const rampart = (args: string[]): CliRun => runCli(args, { cwd, timeout: 120_000 });
  const install = ['nats.yaml', 'postgres.yaml', 'redis.yaml', 'minio-community.yaml'].map((file) => path.join(RENDERED, file));

  beforeAll(() => {
    buildCli();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'rampart-bundle-deletes-'));
  });

  it('ends in a passing mesh proof and a clean audit', () => {
    const firstMesh = rampart(['harden', 'mesh', '--mesh', 'linkerd', ...install, '-n', 'howso', '--out', 'mesh0']);
    expect(firstMesh.code).toBe(1);
    expect(firstMesh.stdout).toMatch(/^proof failed: .*NetworkPolicies would block/);

    const netpol = rampart(['harden', 'netpol', ...install, 'mesh0', '-n', 'howso', '--replace-existing', '--out', 'np']);
    expect(netpol.code).toBe(0);
    const manifest = readFileSync(path.join(cwd, 'np', BUNDLE_FILE), 'utf8');
    expect(manifest).toContain('generator: rampart harden netpol');
    expect(manifest).toContain('- networkpolicies-howso.yaml');
    expect(manifest).toMatch(/deletes:\n  - apiVersion: networking.k8s.io\/v1\n    kind: NetworkPolicy\n    namespace: howso\n    name: platform-postgres-postgresql/);
    expect(readFileSync(path.join(cwd, 'np', 'README.md'), 'utf8')).toContain('kubectl delete networkpolicy -n howso platform-redis');

    const mesh = rampart(['harden', 'mesh', '--mesh', 'linkerd', ...install, 'np', '-n', 'howso', '--out', 'mesh']);
    expect(mesh.stdout).toMatch(/^proof passed/);
    expect(mesh.code).toBe(0);
    expect(mesh.stderr).toContain('bundle np: removed NetworkPolicy howso/platform-postgres-postgresql, NetworkPolicy howso/platform-redis, which the bundle deletes');

    const audited = rampart(['audit', ...install, '-n', 'howso', '--bundle', 'np', '--bundle', 'mesh', '--format', 'json']);
    const findings = (JSON.parse(audited.stdout) as { findings: { checkId: string; severity: string }[] }).findings;
    expect(findings.filter((finding) => /^(netpol|transport)\//.test(finding.checkId) && finding.severity === 'high')).toEqual([]);
    expect(audited.stderr).toContain('removed NetworkPolicy howso/platform-postgres-postgresql, NetworkPolicy howso/platform-redis, which the bundle deletes');
  });

  it('writes no deletes without --replace-existing', () => {
    expect(rampart(['harden', 'netpol', path.join(RENDERED, 'redis.yaml'), '-n', 'howso', '--out', 'np-kept', '--no-verify']).code).toBe(0);
    const manifest = readFileSync(path.join(cwd, 'np-kept', BUNDLE_FILE), 'utf8');
    expect(manifest).toContain('generator: rampart harden netpol');
    expect(manifest).not.toContain('deletes');
  });
});

describe('harden netpol --bundle after harden tls', () => {
  let cwd: string;
  const rampart = (args: string[]): CliRun => runCli(args, { cwd });

  beforeAll(() => {
    buildCli();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'rampart-netpol-bundle-'));
  });

  afterAll(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  it('admits podTLS port 8443 and both proofs pass', () => {
    const tls = path.join(cwd, 'tls');
    expect(rampart(['harden', 'tls', '--issuer', 'cert-manager', EXAMPLE, '-f', BASIC, '--out', tls]).code).toBe(0);
    expect(readFileSync(path.join(tls, 'README.md'), 'utf8')).toContain(`Run \`rampart harden netpol INPUT… --bundle ${tls}\` again`);

    const netpol = path.join(cwd, 'netpol');
    const run = rampart(['harden', 'netpol', EXAMPLE, '-f', BASIC, '--bundle', tls, '--out', netpol]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^proof passed: /);
    expect(run.stderr).toContain('applied values-howso-platform.yaml');
    expect(run.stderr).not.toContain('overlays are not applied');
    const policies = readFileSync(path.join(netpol, 'networkpolicies-howso.yaml'), 'utf8');
    expect(policies).toContain('port: 8443');

    const again = rampart(['harden', 'tls', '--issuer', 'cert-manager', EXAMPLE, '-f', BASIC, netpol, '--out', path.join(cwd, 'tls-again')]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^proof passed: /);
  });

  it('notes unapplied overlays of an input folder', () => {
    const tls = path.join(cwd, 'tls-input');
    expect(rampart(['harden', 'tls', '--issuer', 'cert-manager', EXAMPLE, '-f', BASIC, '--out', tls]).code).toBe(0);
    const run = rampart(['harden', 'netpol', EXAMPLE, '-f', BASIC, tls, '--out', path.join(cwd, 'netpol-input')]);
    expect(run.stderr).toContain(`bundle ${tls} is an input, so its values overlays are not applied; give it as --bundle ${tls} instead`);
    expect(run.stderr.match(/overlays are not applied/g)).toHaveLength(1);
    const policies = readFileSync(path.join(cwd, 'netpol-input', 'networkpolicies-howso.yaml'), 'utf8');
    expect(policies).not.toContain('port: 8443');
  });

  it('netpol flows and connlist read --bundle', () => {
    const tls = path.join(cwd, 'tls');
    const flows = rampart(['netpol', 'flows', EXAMPLE, '-f', BASIC, '--bundle', tls]);
    expect(flows.code, flows.stderr).toBe(0);
    expect(flows.stdout).toContain('TCP 8443');
    const plain = rampart(['netpol', 'flows', EXAMPLE, '-f', BASIC]);
    expect(plain.stdout).not.toContain('TCP 8443');
    const connlist = rampart(['netpol', 'connlist', EXAMPLE, '-f', BASIC, '--bundle', tls, '--bundle', path.join(cwd, 'netpol')]);
    expect(connlist.code, connlist.stderr).toBe(0);
    expect(connlist.stdout).toContain('TCP 8443');
  });
});
