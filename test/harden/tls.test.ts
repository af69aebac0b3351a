import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { DOCUMENTED_VALUES, leafPaths } from '../../src/harden/chart-values/documented.js';
import { hardenedInstall, proveTransport } from '../../src/harden/overlay-effects/index.js';
import { synthesizeTls, type TlsBundle } from '../../src/harden/tls.js';
import { loadInputs, type LoadOptions } from '../../src/load/index.js';
import { buildInventory } from '../../src/model/inventory.js';
import { natsConfig } from '../../src/profiles/nats.js';
import { encryptionMap } from '../../src/transport/encryption.js';
import { flowEnds } from '../../src/transport/format.js';
import { CORPUS, NOW, ROOT } from '../support/audit.js';
import { runCli } from '../support/cli.js';

const RENDERED = path.join(CORPUS, 'realworld', 'rendered');
const EXAMPLE = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');
const EXAMPLE_CHART = path.join(ROOT, 'examples', 'howso-platform');
const BASIC = path.join(ROOT, 'examples', 'values', 'basic.yaml');
const RENDERS = ['nats.yaml', 'nats-tls.yaml', 'nats-linkerd.yaml', 'postgres.yaml', 'postgres-tls.yaml', 'redis.yaml', 'minio-community.yaml'];

async function tlsBundle(inputs: string[], options: LoadOptions) {
  const install = await loadInputs(inputs, options);
  return { install, bundle: synthesizeTls(buildInventory(install), { caNamespace: 'cert-manager' }) };
}

function objects(bundle: TlsBundle) {
  return [...bundle.issuers, ...bundle.certificates].map((entry) => entry.manifest);
}

function certificate(bundle: TlsBundle, name: string) {
  const found = bundle.certificates.find((entry) => (entry.manifest.metadata as { name: string }).name === name);
  if (!found) throw new Error(`no Certificate ${name}`);
  return found.manifest.spec as { dnsNames: string[]; usages: string[]; privateKey: Record<string, unknown>; secretName: string };
}

describe('harden tls proof', () => {
  for (const render of RENDERS) {
    it(`encrypts every flow of ${render}`, async () => {
      const { install, bundle } = await tlsBundle([path.join(RENDERED, render)], { namespace: 'howso' });
      const proof = await proveTransport(await hardenedInstall(install, bundle.overlays, objects(bundle)), install, NOW);
      expect(proof.unencrypted.map((entry) => `${entry.flow.target.service}=${entry.verdict}`)).toEqual([]);
      expect(proof.findings.map((finding) => finding.checkId)).toEqual([]);
      expect(proof.passed).toBe(true);
    });
  }

  it('encrypts the rendered example', async () => {
    const { install, bundle } = await tlsBundle([EXAMPLE], { valuesFiles: [BASIC] });
    const proof = await proveTransport(await hardenedInstall(install, bundle.overlays, objects(bundle)), install, NOW);
    expect(proof.unencrypted.map((entry) => `${entry.flow.target.service}:${entry.flow.port}=${entry.verdict}`)).toEqual([]);
    expect(proof.undecided).toEqual([]);
    expect(proof.passed).toBe(true);
  });

  it('encrypts the example chart rendered again', async () => {
    const { install, bundle } = await tlsBundle([EXAMPLE_CHART], { namespace: 'howso' });
    const platform = bundle.overlays.find((overlay) => overlay.chart === 'howso-platform')!;
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-tls-')), 'values.yaml');
    writeFileSync(file, JSON.stringify(platform.values));
    const rerendered = await loadInputs([EXAMPLE_CHART], { namespace: 'howso', valuesFiles: [file] });
    const others = bundle.overlays.filter((overlay) => overlay.chart !== 'howso-platform');
    const proof = await proveTransport(await hardenedInstall(rerendered, others, objects(bundle)), install, NOW);
    expect(proof.unencrypted.map((entry) => `${entry.flow.target.service}:${entry.flow.port}=${entry.verdict}`)).toEqual([]);
    expect(proof.passed).toBe(true);
  });

  it('keeps the ingress flows of the rendered example', async () => {
    const { install, bundle } = await tlsBundle([EXAMPLE], { valuesFiles: [BASIC] });
    const proof = await proveTransport(await hardenedInstall(install, bundle.overlays, objects(bundle)), install, NOW);
    expect(proof.lost.map((entry) => flowEnds(entry.flow))).toEqual([]);
    expect(proof.flows.filter((entry) => entry.flow.source.type === 'ingress-controller').map((entry) => `${entry.flow.target.service}:${entry.flow.port}=${entry.verdict}`).sort()).toEqual([
      'platform-api-v3:8443=tls',
      'platform-pypi:8443=tls',
      'platform-ui-v2:8443=tls',
      'platform-ums:8443=tls',
    ]);
    expect(proof.flows.length).toBe(proof.before);
    expect(proof.before).toBe(29);
  });

  it('podTLS model matches helm template', async () => {
    const { install, bundle } = await tlsBundle([EXAMPLE], { valuesFiles: [BASIC] });
    const platform = bundle.overlays.find((overlay) => overlay.chart === 'howso-platform')!;
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-tls-')), 'values.yaml');
    writeFileSync(file, JSON.stringify(platform.values));
    const real = buildInventory(await loadInputs([EXAMPLE_CHART], { namespace: 'howso', release: 'howso-platform', valuesFiles: [BASIC, file] }));
    const modelled = buildInventory(await hardenedInstall(install, [platform], []));
    const flows = (inventory: typeof real) => encryptionMap(inventory).map((entry) => `${flowEnds(entry.flow)}:${entry.flow.port}=${entry.verdict}`).sort();
    expect(flows(modelled)).toEqual(flows(real));
  });

  it('fails when a flow of the install is missing', async () => {
    const { install, bundle } = await tlsBundle([EXAMPLE], { valuesFiles: [BASIC] });
    const withoutIngresses = { ...install, resources: install.resources.filter((resource) => resource.kind !== 'Ingress') };
    const proof = await proveTransport(await hardenedInstall(withoutIngresses, bundle.overlays, objects(bundle)), install, NOW);
    expect(proof.lost.map((entry) => flowEnds(entry.flow)).sort()).toEqual([
      '{ingress-controller} -> howso/platform-api-v3[Deployment]',
      '{ingress-controller} -> howso/platform-pypi[Deployment]',
      '{ingress-controller} -> howso/platform-ui-v2[Deployment]',
      '{ingress-controller} -> howso/platform-ums[Deployment]',
    ]);
    expect(proof.passed).toBe(false);
  });

  it('fails without the pg_hba restriction', async () => {
    const { install, bundle } = await tlsBundle([path.join(RENDERED, 'postgres.yaml')], { namespace: 'howso' });
    const overlay = bundle.overlays.find((entry) => entry.chart === 'postgres')!;
    delete overlay.values.primary;
    const proof = await proveTransport(await hardenedInstall(install, [overlay], objects(bundle)), install, NOW);
    expect(proof.unencrypted.map((entry) => entry.verdict)).toEqual(['tls-optional']);
    expect(proof.passed).toBe(false);
  });
});

describe('harden tls and client certificates', () => {
  const NATS_TLS = path.join(RENDERED, 'nats-tls.yaml');

  it('turns off verify that clients cannot meet', async () => {
    const { install, bundle } = await tlsBundle([NATS_TLS], { namespace: 'howso' });
    const overlay = bundle.overlays.find((entry) => entry.chart === 'nats')!;
    expect((overlay.values.config as { nats: { tls: Record<string, unknown> } }).nats.tls).toEqual({ enabled: true, secretName: 'platform-nats-tls', merge: { verify: false } });
    expect(overlay.comments['config.nats.tls.merge']).toContain('verify');
    expect(bundle.problems.some((problem) => problem.includes('required client certificates (verify: true)'))).toBe(true);
    const hardened = buildInventory(await hardenedInstall(install, bundle.overlays, objects(bundle)));
    const server = hardened.workloads.find((workload) => workload.name === 'platform-nats')!;
    expect(natsConfig(server, hardened)?.tls).toEqual({ cert_file: '/etc/nats-certs/nats/tls.crt', key_file: '/etc/nats-certs/nats/tls.key', verify: false });
    expect((await proveTransport(await hardenedInstall(install, bundle.overlays, objects(bundle)), install, NOW)).passed).toBe(true);
  });

  it('proof fails when verify stays on', async () => {
    const { install, bundle } = await tlsBundle([NATS_TLS], { namespace: 'howso' });
    const overlay = bundle.overlays.find((entry) => entry.chart === 'nats')!;
    delete (overlay.values.config as { nats: { tls: Record<string, unknown> } }).nats.tls.merge;
    const proof = await proveTransport(await hardenedInstall(install, bundle.overlays, objects(bundle)), install, NOW);
    expect(proof.refused.map((entry) => `${entry.flow.target.service}:${entry.flow.port}`)).toEqual(['platform-nats:4222']);
    expect(proof.passed).toBe(false);
  });

  it('platform client without certificate is refused', async () => {
    const install = await loadInputs([EXAMPLE, NATS_TLS], { namespace: 'howso', valuesFiles: [BASIC] });
    const flows = encryptionMap(buildInventory(install)).filter((entry) => entry.flow.target.service === 'platform-nats' && entry.flow.source.type === 'workload');
    expect(flows.length).toBeGreaterThan(0);
    for (const entry of flows) {
      expect(entry.verdict).toBe('tls');
      expect(entry.refused).toContain('the server requires a client certificate');
    }
  });
});

describe('harden tls certificates', () => {
  it('statefulset names cover each pod', async () => {
    const { bundle } = await tlsBundle([path.join(RENDERED, 'nats.yaml')], { namespace: 'howso' });
    const spec = certificate(bundle, 'platform-nats-tls');
    expect(spec.dnsNames).toEqual(
      expect.arrayContaining([
        'platform-nats',
        'platform-nats.howso',
        'platform-nats.howso.svc',
        'platform-nats.howso.svc.cluster.local',
        'platform-nats-headless.howso.svc.cluster.local',
        'platform-nats-0.platform-nats-headless.howso.svc.cluster.local',
        '*.platform-nats-headless.howso.svc.cluster.local',
      ]),
    );
    expect(spec.privateKey).toEqual({ algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' });
    expect(spec.usages).toEqual(['server auth']);
  });

  it('bootstraps a CA unless an issuer is named', async () => {
    const install = await loadInputs([path.join(RENDERED, 'redis.yaml')], { namespace: 'howso' });
    const own = synthesizeTls(buildInventory(install), { caNamespace: 'cert-manager' });
    expect(own.issuers.map((entry) => entry.manifest.kind)).toEqual(['ClusterIssuer', 'Certificate', 'ClusterIssuer']);
    expect((own.issuers[1].manifest.spec as { isCA: boolean }).isCA).toBe(true);
    const named = synthesizeTls(buildInventory(install), { caNamespace: 'cert-manager', existingIssuer: 'corp-ca', clusterIssuer: true });
    expect(named.issuers).toEqual([]);
    expect(named.issuerRef).toEqual({ name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
  });

  it('platform values make clients verify', async () => {
    const { bundle } = await tlsBundle([EXAMPLE], { valuesFiles: [BASIC] });
    const platform = bundle.overlays.find((overlay) => overlay.chart === 'howso-platform')!;
    const datastores = platform.values.datastores as Record<string, Record<string, Record<string, unknown>>>;
    expect(datastores.postgres.ums.sslmode).toBe('verify-full');
    expect(datastores.postgres.ums.serverCertChainSecretName).toBe('platform-datastores-ca');
    expect(datastores.nats.tls).toEqual({ enabled: true, caSecretName: 'platform-datastores-ca' });
    expect(bundle.services.map((service) => service.chart).sort()).toEqual(['minio', 'nats', 'postgres', 'redis']);
  });
});

describe('overlay keys are documented', () => {
  const exampleValues = loadYaml(readFileSync(path.join(EXAMPLE_CHART, 'values.yaml'), 'utf8'));

  function existsIn(values: unknown, dotted: string): boolean {
    let current = values;
    for (const key of dotted.split('.')) {
      if (current === null || typeof current !== 'object' || !(key in current)) return false;
      current = (current as Record<string, unknown>)[key];
    }
    return true;
  }

  it('every overlay key is in its table', async () => {
    const bundles = [];
    for (const render of RENDERS) bundles.push((await tlsBundle([path.join(RENDERED, render)], { namespace: 'howso' })).bundle);
    bundles.push((await tlsBundle([EXAMPLE], { valuesFiles: [BASIC] })).bundle);
    let checked = 0;
    for (const bundle of bundles) {
      for (const overlay of bundle.overlays) {
        if (overlay.chart === 'howso-platform') {
          for (const dotted of leafPaths(overlay.values, [])) {
            expect(existsIn(exampleValues, dotted), `${dotted} in examples/howso-platform/values.yaml`).toBe(true);
            checked++;
          }
          continue;
        }
        const table = DOCUMENTED_VALUES[overlay.chart];
        for (const dotted of leafPaths(overlay.values, table.free)) {
          expect(table.paths.includes(dotted) || table.free.includes(dotted), `${dotted} documented for ${overlay.chart}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('leaf paths stop at free maps', () => {
    expect(leafPaths({ service: { merge: { metadata: { annotations: { a: '1' } } } }, tls: { enabled: true } }, ['service.merge'])).toEqual(['service.merge', 'tls.enabled']);
  });
});

describe('harden tls command', () => {
  it('writes the bundle and proves it', () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-tls-cli-')), 'bundle');
    const run = runCli(['harden', 'tls', '--issuer', 'cert-manager', '-n', 'howso', path.join(RENDERED, 'postgres.yaml'), '--out', out]);
    expect(run.stdout).toMatch(/^proof passed/);
    expect(run.code).toBe(0);
    const values = readFileSync(path.join(out, 'values-platform-postgres.yaml'), 'utf8');
    expect(values).toContain('certificatesSecret: platform-postgres-tls');
    expect(values).toContain('hostssl all all 0.0.0.0/0');
    expect(readFileSync(path.join(out, 'issuers.yaml'), 'utf8')).toContain('kind: ClusterIssuer');
    expect(readFileSync(path.join(out, 'README.md'), 'utf8')).toContain('kubectl wait --for=condition=Ready certificate/platform-postgres-tls -n howso');
  });

  it('force removes files of an earlier bundle', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-tls-cli-'));
    const out = path.join(folder, 'bundle');
    const first = runCli(['harden', 'tls', '--issuer', 'cert-manager', '-n', 'howso', path.join(RENDERED, 'postgres.yaml'), path.join(RENDERED, 'redis.yaml'), '--out', out, '--no-verify']);
    expect(first.code).toBe(0);
    writeFileSync(path.join(out, 'notes.txt'), 'kept\n');
    const second = runCli(['harden', 'tls', '--issuer', 'cert-manager', '-n', 'howso', path.join(RENDERED, 'redis.yaml'), '--out', out, '--no-verify', '--force']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('values-platform-postgres.yaml, which an earlier bundle wrote and this one does not');
    expect(readdirSync(out).sort()).toEqual(['README.md', 'bundle.yaml', 'certificates.yaml', 'issuers.yaml', 'notes.txt', 'values-platform-redis.yaml']);
  });

  it('no backing services is a usage error', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-tls-cli-'));
    const file = path.join(folder, 'app.yaml');
    writeFileSync(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: example.com/web:1}]}\n');
    const run = runCli(['harden', 'tls', '--issuer', 'cert-manager', file, '--out', path.join(folder, 'out')]);
    expect(run.stderr).toContain('no NATS, PostgreSQL, Redis or MinIO server found');
    expect(run.code).toBe(2);
  });

  it('cluster issuer needs a name', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-tls-cli-'));
    const run = runCli(['harden', 'tls', '--issuer', 'cert-manager', '--cluster-issuer', path.join(RENDERED, 'redis.yaml'), '--out', path.join(folder, 'out')]);
    expect(run.stderr).toContain('--cluster-issuer needs --existing-issuer');
    expect(run.code).toBe(2);
  });
});
