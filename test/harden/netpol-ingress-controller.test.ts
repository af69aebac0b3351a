import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthesizeNetpol, type IngressControllerPeer } from '../../src/harden/netpol.js';
import { bundleReadme } from '../../src/harden/netpol-readme.js';
import { formatVerdict, proveBundle } from '../../src/harden/verify.js';
import { loadInputs } from '../../src/load/index.js';
import { buildInventory } from '../../src/model/inventory.js';
import { explain } from '../../src/netpol/explain.js';
import { auditFiles, ROOT } from '../support/audit.js';
import { deployment, documents, policy } from '../netpol/support.js';

const EXAMPLE = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');

/** The ingress controller placed in the install's own namespace, as `--ingress-namespace howso` does. */
const IN_HOWSO: IngressControllerPeer = { namespace: 'howso', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } };

const service = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
const ingress = JSON.stringify({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
});

async function load(...parts: string[]) {
  return loadInputs(['-'], { readStdin: async () => documents(...parts) });
}

describe('ingress controller in a hardened namespace', () => {
  it('gets egress to its backends', async () => {
    const install = await load(deployment('shop', 'web', { app: 'web' }, [{ containerPort: 8080 }]), service, ingress);
    const controller: IngressControllerPeer = { namespace: 'shop', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: controller });
    expect(bundle.hardensIngressController).toBe(true);
    const policies = bundle.namespaces[0].policies;
    const egress = policies.find((entry) => entry.name === 'rampart-ingress-controller-egress');
    expect(egress?.manifest.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
    expect(egress?.manifest.spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    const fromOutside = policies.find((entry) => entry.name === 'rampart-ingress-controller-ingress');
    expect(fromOutside?.manifest.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }] }]);
    expect(fromOutside?.comments.ingress[0].join(' ')).toContain('clients outside the cluster');
    expect(bundleReadme(bundle, 'out', controller)).toContain('## The ingress controller');
  });

  it('proof checks the controller flows', async () => {
    const install = await load(deployment('shop', 'web', { app: 'web' }, [{ containerPort: 8080 }]), service, ingress);
    const controller: IngressControllerPeer = { namespace: 'shop', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: controller });
    const proof = await proveBundle(install, bundle, controller);
    expect(proof.unchecked).toEqual([]);
    expect(proof.passed).toBe(true);

    const policies = bundle.namespaces[0].policies.filter((entry) => entry.name !== 'rampart-ingress-controller-egress');
    const broken = await proveBundle(install, bundle, controller, policies);
    expect(broken.passed).toBe(false);
    expect(broken.denied.map((entry) => entry.description)).toEqual(['the ingress controller -> Service shop/web port 8080 (http)']);
  });

  it('example with --ingress-namespace howso', async () => {
    const install = await loadInputs([EXAMPLE]);
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: IN_HOWSO });
    const proof = await proveBundle(install, bundle, IN_HOWSO);
    expect(proof.unchecked).toEqual([]);
    expect(proof.passed).toBe(true);
    expect(formatVerdict(proof)).not.toContain('not checked');

    // The controller's egress, as explain decides it on the install plus the bundle.
    const manifests = bundle.namespaces.flatMap((entry) => entry.policies.map((generated) => JSON.stringify(generated.manifest)));
    const combined = await loadInputs([EXAMPLE, '-'], { readStdin: async () => documents(...manifests) });
    const explanation = explain(buildInventory(combined), '{ingress-controller}', 'howso/platform-ui-v2', undefined, IN_HOWSO);
    expect(explanation.egress.allowed).toBe(true);
    expect(explanation.allowed).toBe(true);
  });

  it('bundle audits clean with the controller', async () => {
    const install = await loadInputs([EXAMPLE]);
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: IN_HOWSO });
    const manifests = bundle.namespaces.flatMap((entry) => entry.policies.map((generated) => JSON.stringify(generated.manifest)));
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-controller-')), 'bundle.json');
    writeFileSync(file, documents(...manifests));
    const result = await auditFiles([EXAMPLE, file]);
    expect(result.findings.filter((finding) => finding.area === 'netpol' && !finding.suppressed).map((finding) => finding.checkId)).toEqual([]);
  });

  it('names the install policies that deny', async () => {
    // kube-system is never hardened, so a policy of the install there is the only cause.
    const dns = deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' });
    const lockdown = policy('kube-system', 'lockdown', { podSelector: {}, policyTypes: ['Ingress'] });
    const install = await load(deployment('shop', 'web', { app: 'web' }), dns, lockdown);
    const controller: IngressControllerPeer = { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: controller });
    const proof = await proveBundle(install, bundle, controller);
    expect(proof.passed).toBe(false);
    expect(proof.denied.length).toBeGreaterThan(0);
    for (const entry of proof.denied) expect(entry.deniedIn, entry.description).toEqual(['kube-system']);
    expect(formatVerdict(proof)).toContain('only NetworkPolicies of the install in kube-system, which the bundle does not harden, deny them');
  });
});
