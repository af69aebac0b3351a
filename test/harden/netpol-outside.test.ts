import { describe, expect, it } from 'vitest';
import { bundleReadme } from '../../src/harden/netpol-readme.js';
import { DEFAULT_INGRESS_CONTROLLER, renderPolicies, synthesizeNetpol, type NetpolBundle } from '../../src/harden/netpol.js';
import { formatVerdict, proveBundle, type Proof } from '../../src/harden/verify.js';
import { loadInputs, type LoadResult } from '../../src/load/index.js';
import { buildInventory } from '../../src/model/inventory.js';
import { documents } from '../netpol/support.js';

/** The frontend of a shop that names three Services the input does not contain. */
const frontend = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'frontend', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'frontend' } },
    template: {
      metadata: { labels: { app: 'frontend' } },
      spec: {
        containers: [
          {
            name: 'main',
            image: 'example/frontend:1',
            env: [
              { name: 'PRODUCT_CATALOG_SERVICE_ADDR', value: 'productcatalogservice:3550' },
              { name: 'PAYMENTS_URL', value: 'https://payments.billing.svc.cluster.local' },
            ],
          },
        ],
      },
    },
  },
});

async function harden(yaml: string): Promise<{ install: LoadResult; bundle: NetpolBundle; proof: Proof }> {
  const install = await loadInputs(['-'], { readStdin: async () => yaml });
  const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER });
  const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER);
  return { install, bundle, proof };
}

describe('harden netpol with servers not in the input', () => {
  it('proof checks the flows to them', async () => {
    const { proof } = await harden(documents(frontend));
    expect(proof.denied).toEqual([]);
    expect(proof.extra).toEqual([]);
    expect(proof.passed).toBe(true);
    expect(proof.unchecked).toEqual([]);
    expect(proof.coarse.map((flow) => `${flow.target.namespace}/${flow.target.service}:${flow.port}`)).toEqual(['shop/productcatalogservice:3550', 'billing/payments:443']);
    expect(formatVerdict(proof)).toContain('2 flows to Services not in the input allowed only coarsely');
  });

  it('allows egress to the namespace on the port', async () => {
    const { bundle } = await harden(documents(frontend));
    const egress = bundle.namespaces[0].policies.find((policy) => policy.name === 'rampart-frontend-egress');
    expect(egress?.manifest.spec.egress).toEqual([
      { to: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 3550 }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'billing' } }, podSelector: {} }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    const text = renderPolicies(bundle.namespaces[0].policies);
    expect(text).toContain('# Deployment shop/frontend -> Service shop/productcatalogservice port 3550 (tcp; the server is not in the input): env PRODUCT_CATALOG_SERVICE_ADDR of container main names productcatalogservice:3550');
  });

  it('admits clients to labelled server pods', async () => {
    const { bundle } = await harden(documents(frontend));
    const ingress = bundle.namespaces[0].policies.find((policy) => policy.name === 'rampart-service-productcatalogservice-ingress');
    expect(ingress?.manifest.spec.podSelector).toEqual({ matchLabels: { 'server-of.rampart.dev/productcatalogservice': 'true' } });
    expect(ingress?.manifest.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 3550 }] }]);
    // billing is not hardened, so its server needs no label.
    expect(bundle.serverLabels).toEqual([{ service: 'productcatalogservice', namespace: 'shop', label: 'server-of.rampart.dev/productcatalogservice' }]);
  });

  it('README lists coarse flows and labels', async () => {
    const { bundle } = await harden(documents(frontend));
    const readme = bundleReadme(bundle, 'out', DEFAULT_INGRESS_CONTROLLER);
    expect(readme).toContain('## Flows allowed only coarsely');
    expect(readme).toContain('- Deployment shop/frontend -> Service billing/payments port 443 (https; the server is not in the input): env PAYMENTS_URL of container main names payments.billing.svc.cluster.local (port 443 by default for https://)');
    expect(readme).toContain('`server-of.rampart.dev/productcatalogservice: "true"` on the pods of Service `productcatalogservice` in namespace `shop`');
  });

  it('proof fails without the server policy', async () => {
    const { install, bundle } = await harden(documents(frontend));
    const policies = bundle.namespaces[0].policies.filter((policy) => policy.name !== 'rampart-service-productcatalogservice-ingress');
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER, policies);
    expect(proof.passed).toBe(false);
    expect(proof.denied.map((entry) => entry.description)).toEqual(['Deployment shop/frontend -> Service shop/productcatalogservice port 3550 (tcp; the server is not in the input)']);
  });

  it('meshed namespace adds the proxy port', async () => {
    const namespace = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', annotations: { 'linkerd.io/inject': 'enabled' } } });
    const { bundle, proof } = await harden(documents(namespace, frontend));
    expect(proof.denied).toEqual([]);
    expect(proof.passed).toBe(true);
    const ingress = bundle.namespaces[0].policies.find((policy) => policy.name === 'rampart-service-productcatalogservice-ingress');
    expect(ingress?.manifest.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 3550 }, { protocol: 'TCP', port: 4143 }] }]);
  });

  it('proof fails without the egress rule', async () => {
    const { install, bundle } = await harden(documents(frontend));
    const policies = bundle.namespaces[0].policies.filter((policy) => policy.name !== 'rampart-frontend-egress');
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER, policies);
    expect(proof.denied.map((entry) => entry.description)).toHaveLength(2);
  });
});

describe('harden netpol with clients not in the input', () => {
  const database = documents(
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'postgres', image: 'postgres:16', ports: [{ containerPort: 5432 }] }] } } },
    }),
    JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } }),
  );

  it('lets labelled clients reach the server', async () => {
    const { bundle, proof } = await harden(database);
    expect(proof.passed).toBe(true);
    expect(proof.unchecked).toEqual([]);
    const egress = bundle.namespaces[0].policies.find((policy) => policy.name === 'rampart-clients-of-db-egress');
    expect(egress?.manifest.spec.podSelector).toEqual({ matchLabels: { 'client-of.rampart.dev/db': 'true' } });
    expect(egress?.manifest.spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
  });

  it('proof fails without the client policy', async () => {
    const { install, bundle } = await harden(database);
    const policies = bundle.namespaces[0].policies.filter((policy) => policy.name !== 'rampart-clients-of-db-egress');
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER, policies);
    expect(proof.denied.map((entry) => entry.description)).toEqual(['clients of the service (not in the input) in namespace shop -> Service shop/db port 5432 (postgres)']);
  });
});
