import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthesizeMesh } from '../../src/harden/mesh.js';
import { hardenedInstall, proveTransport } from '../../src/harden/overlay-effects/index.js';
import { loadInputs, type LoadOptions } from '../../src/load/index.js';
import { buildInventory } from '../../src/model/inventory.js';
import { auditFiles, CORPUS, NOW, ROOT } from '../support/audit.js';
import { runCli } from '../support/cli.js';

const RENDERED = path.join(CORPUS, 'realworld', 'rendered');
const EXAMPLE = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');

async function proveMesh(inputs: string[], options: LoadOptions, mesh: 'linkerd' | 'istio' = 'linkerd') {
  const install = await loadInputs(inputs, options);
  const bundle = synthesizeMesh(buildInventory(install), mesh);
  const hardened = await hardenedInstall(install, bundle.overlays, bundle.namespaces.map((namespace) => namespace.manifest));
  return { bundle, proof: await proveTransport(hardened, install, NOW) };
}

describe('harden mesh proof', () => {
  // The Bitnami renders carry the charts' NetworkPolicies, which admit the chart's ports only.
  const blockedByChartPolicies: Record<string, string[]> = {
    'nats.yaml': [],
    'nats-tls.yaml': [],
    'minio-community.yaml': [],
    'postgres.yaml': ['pods>platform-postgres-postgresql:4191'],
    'postgres-tls.yaml': ['pods>platform-postgres-postgresql:4191'],
    'redis.yaml': ['pods>platform-redis-master:4191', 'pods>platform-redis-replicas:4191', 'platform-redis-replicas>platform-redis-master:4143'],
  };
  for (const [render, blocked] of Object.entries(blockedByChartPolicies)) {
    it(`encrypts every flow of ${render}`, async () => {
      const { proof } = await proveMesh([path.join(RENDERED, render)], { namespace: 'howso' });
      expect(proof.unencrypted.map((entry) => entry.flow.target.service)).toEqual([]);
      expect(proof.findings.map((finding) => finding.checkId)).toEqual([]);
      expect(proof.flows.length).toBeGreaterThan(0);
      const source = (entry: (typeof proof.blocked)[number]) => (entry.flow.source.type === 'workload' ? entry.flow.source.workload.name : entry.flow.source.type);
      const destination = (entry: (typeof proof.blocked)[number]) => entry.flow.destination?.name ?? entry.flow.target.service;
      expect(proof.blocked.map((entry) => `${source(entry)}>${destination(entry)}:${entry.flow.port}`)).toEqual(blocked);
      expect(proof.passed).toBe(blocked.length === 0);
    });
  }

  it('encrypts the rendered example', async () => {
    const { proof } = await proveMesh([EXAMPLE], { valuesFiles: [path.join(ROOT, 'examples', 'values', 'basic.yaml')] });
    expect(proof.passed).toBe(true);
    expect(proof.flows.filter((entry) => entry.verdict === 'mesh-mtls').length).toBeGreaterThanOrEqual(20);
    // The ingress controller is not in the input, so its flows stay undecided, not failed.
    expect(proof.undecided.every((entry) => entry.flow.source.type === 'ingress-controller')).toBe(true);
  });

  it('encrypts the example chart with istio', async () => {
    const { proof, bundle } = await proveMesh([path.join(ROOT, 'examples', 'howso-platform')], { namespace: 'howso' }, 'istio');
    expect((bundle.namespaces[0].manifest.metadata as { labels: Record<string, string> }).labels['istio-injection']).toBe('enabled');
    expect(proof.passed).toBe(true);
  });

  it('fails without the opaque ports overlay', async () => {
    const install = await loadInputs([path.join(RENDERED, 'nats.yaml')], { namespace: 'howso' });
    const bundle = synthesizeMesh(buildInventory(install), 'linkerd');
    const proof = await proveTransport(await hardenedInstall(install, [], bundle.namespaces.map((namespace) => namespace.manifest)), install, NOW);
    expect(proof.findings.map((finding) => finding.checkId)).toContain('transport/nats-opaque-ports');
    expect(proof.passed).toBe(false);
  });
});

describe('harden mesh bundle', () => {
  it('nats overlay uses the chart merge keys', async () => {
    const { bundle } = await proveMesh([path.join(RENDERED, 'nats.yaml')], { namespace: 'howso' });
    expect(bundle.overlays).toHaveLength(1);
    const annotation = { metadata: { annotations: { 'config.linkerd.io/opaque-ports': '4222' } } };
    expect(bundle.overlays[0].values).toEqual({ service: { merge: annotation }, podTemplate: { merge: annotation } });
    expect(bundle.overlays[0].release).toBe('platform-nats');
  });

  it('jobs get native sidecars', async () => {
    const { bundle } = await proveMesh([path.join(RENDERED, 'minio-community.yaml')], { namespace: 'howso' });
    const annotations = (bundle.namespaces[0].manifest.metadata as { annotations: Record<string, string> }).annotations;
    expect(annotations['config.alpha.linkerd.io/proxy-enable-native-sidecar']).toBe('true');
    expect(annotations['linkerd.io/inject']).toBe('enabled');
    expect(bundle.jobs.map((job) => job.name)).toContain('platform-minio-post-job');
  });

  it('keeps labels of an existing namespace', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-mesh-'));
    const file = path.join(folder, 'ns.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: howso\n  labels: {team: data}\n  annotations: {owner: ops}\n');
    const { bundle } = await proveMesh([file, path.join(RENDERED, 'redis.yaml')], { namespace: 'howso' });
    expect(bundle.namespaces[0].existing).toBe(true);
    expect(bundle.namespaces[0].manifest.metadata).toEqual({
      name: 'howso',
      labels: { team: 'data' },
      annotations: {
        owner: 'ops',
        'linkerd.io/inject': 'enabled',
        'rampart.dev/suppress': 'input/duplicate-object: replaces the Namespace of the install with its labels and annotations plus the mesh setting, as kubectl apply does',
      },
    });
  });

  it('namespace replacement is a suppressed duplicate', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-mesh-'));
    const file = path.join(folder, 'ns.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: howso\n  annotations: {owner: ops}\n');
    const out = path.join(folder, 'bundle');
    const run = runCli(['harden', 'mesh', '--mesh', 'linkerd', '-n', 'howso', file, path.join(RENDERED, 'redis.yaml'), '--out', out]);
    // The chart's own NetworkPolicy admits Redis on 6379 only, so the proxies' port 4143 fails the proof.
    expect(run.stdout).toMatch(/^proof failed: .*would block 3 needed flows of the hardened install/);
    expect(run.code).toBe(1);
    const result = await auditFiles([file, path.join(RENDERED, 'redis.yaml'), out], { namespace: 'howso' });
    const duplicates = result.findings.filter((finding) => finding.checkId === 'input/duplicate-object');
    expect(duplicates.map((finding) => finding.suppressed !== undefined)).toEqual([true]);
    expect(result.inventory.namespaces.get('howso')?.annotations['linkerd.io/inject']).toBe('enabled');
    expect(result.findings.filter((finding) => finding.checkId.startsWith('transport/') && !finding.suppressed)).toEqual([]);
  });

  it('writes the overlay for the platform NATS', async () => {
    const { bundle, proof } = await proveMesh([EXAMPLE], { valuesFiles: [path.join(ROOT, 'examples', 'values', 'basic.yaml')] });
    const overlay = bundle.overlays.find((entry) => entry.release === 'platform-nats');
    expect(overlay?.namespace).toBe('howso');
    const annotation = { metadata: { annotations: { 'config.linkerd.io/opaque-ports': '4222,6222' } } };
    expect(overlay?.values).toEqual({ service: { merge: annotation }, podTemplate: { merge: annotation } });
    expect(bundle.problems.some((problem) => problem.startsWith('NATS release platform-nats in howso is not in the input'))).toBe(true);
    expect(proof.findings).toEqual([]);
    expect(proof.passed).toBe(true);
  });

  it('platform NATS without overlay fails', async () => {
    const install = await loadInputs([EXAMPLE], { valuesFiles: [path.join(ROOT, 'examples', 'values', 'basic.yaml')] });
    const bundle = synthesizeMesh(buildInventory(install), 'linkerd');
    const proof = await proveTransport(await hardenedInstall(install, [], bundle.namespaces.map((namespace) => namespace.manifest)), install, NOW);
    expect(proof.findings.map((finding) => [finding.checkId, finding.messageId])).toEqual([['transport/nats-opaque-ports', 'serviceNotInInput']]);
    expect(proof.findings[0].data.service).toBe('howso/platform-nats');
    expect(proof.passed).toBe(false);
  });

  it('notes a bare test Pod', async () => {
    const { bundle } = await proveMesh([path.join(ROOT, 'test', 'checks', 'transport', 'job-native-sidecar', 'fail-bare-test-pod.yaml')], { namespace: 'howso' });
    const annotations = (bundle.namespaces[0].manifest.metadata as { annotations: Record<string, string> }).annotations;
    expect(annotations['config.beta.linkerd.io/proxy-enable-native-sidecar']).toBe('true');
    expect(bundle.problems.filter((problem) => problem.startsWith('Pod howso/platform-nats-test-request-reply runs to completion (restartPolicy Never)'))).toHaveLength(1);
  });
});

describe('harden mesh command', () => {
  it('writes the bundle and proves it', () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-mesh-cli-')), 'bundle');
    const run = runCli(['harden', 'mesh', '--mesh', 'linkerd', '-n', 'howso', path.join(RENDERED, 'nats.yaml'), '--out', out]);
    expect(run.stderr).toContain('wrote 4 files');
    expect(run.stdout).toMatch(/^proof passed/);
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(out, 'values-platform-nats.yaml'), 'utf8')).toContain('config.linkerd.io/opaque-ports: "4222"');
    const readme = readFileSync(path.join(out, 'README.md'), 'utf8');
    expect(readme.indexOf('kubectl apply')).toBeLessThan(readme.indexOf('helm upgrade platform-nats'));
    expect(readme.indexOf('helm upgrade platform-nats')).toBeLessThan(readme.indexOf('kubectl rollout restart statefulset/platform-nats -n howso'));

    const again = runCli(['harden', 'mesh', '--mesh', 'linkerd', '-n', 'howso', path.join(RENDERED, 'nats.yaml'), '--out', out, '--no-verify']);
    expect(again.stderr).toContain('use --force');
    expect(again.code).toBe(2);
    const forced = runCli(['harden', 'mesh', '--mesh', 'linkerd', '-n', 'howso', path.join(RENDERED, 'nats.yaml'), '--out', out, '--no-verify', '--force']);
    expect(forced.stdout).toBe('');
    expect(forced.code).toBe(0);
  });

  it('rejects an unknown mesh', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'rampart-mesh-cli-'));
    const run = runCli(['harden', 'mesh', '--mesh', 'consul', path.join(RENDERED, 'nats.yaml'), '--out', out]);
    expect(run.stderr).toContain('invalid --mesh "consul"');
    expect(run.code).toBe(2);
  });
});
