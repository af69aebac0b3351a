import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { synthesizeMesh } from '../../src/harden/mesh.js';
import { DEFAULT_INGRESS_CONTROLLER, synthesizeNetpol } from '../../src/harden/netpol.js';
import { hardenedInstall, proveTransport } from '../../src/harden/overlay-effects/index.js';
import { synthesizeTls } from '../../src/harden/tls.js';
import { formatProofDetails, proveBundle } from '../../src/harden/verify.js';
import { loadInputs } from '../../src/load/index.js';
import { buildInventory } from '../../src/model/inventory.js';
import { CORPUS, NOW, ROOT } from '../support/audit.js';
import { runCli } from '../support/cli.js';

const EXAMPLE = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');
const BASIC = path.join(ROOT, 'examples', 'values', 'basic.yaml');

/** Two Deployments in shop behind a default deny, with one policy that admits the namespace, DNS, and store on 8080. */
const SHOP = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata:
  name: store
  annotations: {linkerd.io/inject: enabled}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example/web:1.0
          env:
            - {name: CART_URL, value: "http://cart:8080"}
            - {name: ORDERS_URL, value: "http://orders.store.svc.cluster.local:8080"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers:
        - name: cart
          image: registry.example/cart:1.0
          ports: [{containerPort: 8080, name: http}]
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  selector: {app: cart}
  ports: [{name: http, port: 8080, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-shop-and-dns, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{podSelector: {}}]
  egress:
    - to: [{podSelector: {}}]
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
      ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: store}}}]
      ports: [{protocol: TCP, port: 8080}]
`;

function writeShop(text = SHOP): { folder: string; file: string } {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-proof-'));
  const file = path.join(folder, 'shop.yaml');
  writeFileSync(file, text);
  return { folder, file };
}

async function meshProof(file: string) {
  const install = await loadInputs([file], {});
  const bundle = synthesizeMesh(buildInventory(install), 'linkerd');
  const hardened = await hardenedInstall(install, bundle.overlays, bundle.namespaces.map((namespace) => namespace.manifest));
  return proveTransport(hardened, install, NOW);
}

describe('mesh proof against the install\'s NetworkPolicies', () => {
  it('blocks control plane, scraper and outside 4143', async () => {
    const proof = await meshProof(writeShop().file);
    const blocked = proof.blocked.map((entry) => `${entry.flow.source.type === 'workload' ? entry.flow.source.workload.name : entry.flow.source.type}>${entry.flow.target.service}:${entry.flow.port}`);
    expect(blocked.sort()).toEqual(
      [
        'web>linkerd-identity:8080',
        'web>linkerd-dst:8086',
        'web>linkerd-policy:8090',
        'cart>linkerd-identity:8080',
        'cart>linkerd-dst:8086',
        'cart>linkerd-policy:8090',
        'pods>web:4191',
        'pods>cart:4191',
        'web>orders:4143',
      ].sort(),
    );
    expect(proof.blocked.find((entry) => entry.flow.port === 4143)?.deniedIn).toEqual(['shop']);
    expect(proof.alreadyBlocked).toEqual([]);
    expect(proof.passed).toBe(false);
  });

  it('passes once the policies admit the mesh', async () => {
    const open = `${SHOP}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-mesh, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: linkerd-viz}}}]
      ports: [{protocol: TCP, port: 4191}]
  egress:
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: linkerd}}}]
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: store}}}]
      ports: [{protocol: TCP, port: 4143}]
`;
    const proof = await meshProof(writeShop(open).file);
    expect(proof.blocked).toEqual([]);
    expect(proof.policyChecked).toBeGreaterThan(10);
  });

  it('does not blame the bundle for a flow the install already blocked', async () => {
    // Without the egress to store, web already cannot reach orders on 8080, so 4143 is no new block.
    const text = SHOP.replace('    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: store}}}]\n      ports: [{protocol: TCP, port: 8080}]\n', '');
    const proof = await meshProof(writeShop(text).file);
    expect(proof.alreadyBlocked.map((entry) => `${entry.flow.target.service}:${entry.flow.port}`).sort()).toEqual(['orders:4143', 'orders:8080']);
    expect(proof.blocked.map((entry) => entry.flow.port)).not.toContain(4143);
  });

  it('words the verdict in flows, each listed once', () => {
    const { folder, file } = writeShop();
    const run = runCli(['harden', 'mesh', '--mesh', 'linkerd', file, '--out', path.join(folder, 'mesh')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^proof failed: the install's NetworkPolicies would block 9 needed flows of the hardened install\n/);
    const listed = run.stdout.split('\n').filter((line) => line.startsWith('  blocked by NetworkPolicies: '));
    expect(listed).toHaveLength(9);
    expect(new Set(listed).size).toBe(9);
    expect(listed).toContain('  blocked by NetworkPolicies: Deployment shop/web -> Service store/orders port 4143 (tcp; the server is not in the input)');
  });
});

describe('TLS proof against the install\'s NetworkPolicies', () => {
  it('blocks the flows podTLS moves to 8443, from the ingress controller too', async () => {
    const plain = await loadInputs([EXAMPLE], { valuesFiles: [BASIC] });
    const netpol = synthesizeNetpol(buildInventory(plain), { ingressController: DEFAULT_INGRESS_CONTROLLER });
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-proof-'));
    const policies = path.join(folder, 'policies.yaml');
    writeFileSync(policies, netpol.namespaces.flatMap((entry) => entry.policies).map((policy) => dump(policy.manifest)).join('---\n'));
    const install = await loadInputs([EXAMPLE, policies], { valuesFiles: [BASIC] });
    const bundle = synthesizeTls(buildInventory(install), { caNamespace: 'cert-manager' });
    const objects = [...bundle.issuers, ...bundle.certificates].map((entry) => entry.manifest);
    const proof = await proveTransport(await hardenedInstall(install, bundle.overlays, objects), install, NOW);

    expect(proof.unencrypted).toEqual([]);
    expect(proof.blocked.every((entry) => entry.flow.port === 8443)).toBe(true);
    expect(proof.blocked.filter((entry) => entry.flow.source.type === 'ingress-controller').map((entry) => entry.flow.target.service).sort()).toEqual(['platform-api-v3', 'platform-pypi', 'platform-ui-v2', 'platform-ums']);
    expect(proof.blocked).toHaveLength(12);
    expect(proof.passed).toBe(false);
    // Without the install's policies nothing is blocked.
    const open = await tlsProofWithout(plain);
    expect(open.blocked).toEqual([]);
  });

  it('README.md says to run harden netpol again', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rampart-proof-'));
    const run = runCli(['harden', 'tls', '--issuer', 'cert-manager', EXAMPLE, '-f', BASIC, '--out', path.join(folder, 'tls')]);
    expect(run.code).toBe(0);
    const readme = readFileSync(path.join(folder, 'tls', 'README.md'), 'utf8');
    expect(readme).toContain('## NetworkPolicies');
    expect(readme).toContain('Run `rampart harden netpol INPUT… --bundle ');
  });
});

async function tlsProofWithout(install: Awaited<ReturnType<typeof loadInputs>>) {
  const bundle = synthesizeTls(buildInventory(install), { caNamespace: 'cert-manager' });
  const objects = [...bundle.issuers, ...bundle.certificates].map((entry) => entry.manifest);
  return proveTransport(await hardenedInstall(install, bundle.overlays, objects), install, NOW);
}

describe('harden netpol proof and a workload\'s own pods', () => {
  it('names a connection between the pods of one workload as such', async () => {
    // The chart's policy admits every client on 5432, so the pods of the StatefulSet reach each other although no flow needs it.
    const install = await loadInputs([path.join(CORPUS, 'realworld', 'rendered', 'postgres.yaml')], { namespace: 'howso' });
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER });
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER);
    expect(proof.extra.map((entry) => [entry.source, entry.destination, entry.connections.toString()])).toEqual([['howso/platform-postgres-postgresql[StatefulSet]', 'howso/platform-postgres-postgresql[StatefulSet]', 'TCP 5432']]);
    expect(formatProofDetails(proof)).toEqual(['not needed between the pods of howso/platform-postgres-postgresql[StatefulSet] : TCP 5432']);
  });
});
