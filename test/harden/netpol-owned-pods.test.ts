import { describe, expect, it } from 'vitest';
import { DEFAULT_INGRESS_CONTROLLER, synthesizeNetpol } from '../../src/harden/netpol.js';
import { proveBundle } from '../../src/harden/verify.js';
import { loadInputs } from '../../src/load/index.js';
import { neededFlowsOf } from '../../src/model/cluster-flows.js';
import { buildInventory } from '../../src/model/inventory.js';
import { connlist, endpointName } from '../../src/netpol/connlist.js';
import { formatFlows } from '../../src/netpol/flows-format.js';
import { deployment, documents } from '../netpol/support.js';

/** Builds a bare Pod owned by a ReplicaSet that is not in the input. */
function ownedPod(name: string, labels: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { ...labels, 'pod-template-hash': '545db77b95' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'reviews-v1-545db77b95', controller: true, uid: 'u1' }] },
    spec: { containers: [{ name: 'main', image: 'example/reviews:1', ports: [{ containerPort: 9080 }] }] },
  });
}

const service = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'shop' }, spec: { selector: { app: 'reviews' }, ports: [{ port: 9080 }] } });

const web = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'example/web:1', env: [{ name: 'REVIEWS_URL', value: 'http://reviews:9080' }] }] } } },
});

async function load(...parts: string[]) {
  return loadInputs(['-'], { readStdin: async () => documents(...parts) });
}

describe('Pods whose owner is not in the input', () => {
  it('flows name the owner as connlist does', async () => {
    const inventory = buildInventory(await load(ownedPod('reviews-v1-545db77b95-abcde', { app: 'reviews' }), service, web));
    const text = formatFlows(neededFlowsOf(inventory), 'text');
    expect(text).toContain('shop/web[Deployment] => shop/reviews-v1-545db77b95[ReplicaSet] : TCP 9080 (tcp, application)');
    expect(text).not.toContain('reviews-v1-545db77b95-abcde');
    expect(connlist(inventory).map((connection) => endpointName(connection.destination))).toContain('shop/reviews-v1-545db77b95[ReplicaSet]');
  });

  it('proof covers them under the owner name', async () => {
    const install = await load(ownedPod('reviews-v1-545db77b95-abcde', { app: 'reviews' }), service, web);
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER });
    const policies = bundle.namespaces[0].policies;
    expect(policies.map((policy) => policy.name)).toContain('rampart-reviews-v1-545db77b95-ingress');

    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER);
    expect(proof.denied).toEqual([]);
    expect(proof.passed).toBe(true);
    expect(proof.workloads).toBe(2);

    const broken = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER, policies.filter((policy) => policy.name !== 'rampart-reviews-v1-545db77b95-ingress'));
    expect(broken.denied.map((entry) => entry.description)).toEqual(['Deployment shop/web -> Service shop/reviews port 9080 (tcp)']);
  });

  it('proof sees a look-alike Pod of the owner', async () => {
    // The second Pod has other labels, but the bundle must select it too and the proof must check it.
    const install = await load(ownedPod('reviews-v1-545db77b95-abcde', { app: 'reviews', track: 'stable' }), ownedPod('reviews-v1-545db77b95-fghij', { app: 'reviews', track: 'canary' }), service, web);
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER });
    const names = bundle.namespaces[0].policies.map((policy) => policy.name);
    // Both Pods share app=reviews, which no other workload has, so one policy selects them.
    expect(names.filter((name) => name.startsWith('rampart-reviews-v1-545db77b95'))).toEqual(['rampart-reviews-v1-545db77b95-ingress']);
    const ingress = bundle.namespaces[0].policies.find((policy) => policy.name === 'rampart-reviews-v1-545db77b95-ingress');
    expect(ingress?.manifest.spec.podSelector).toEqual({ matchLabels: { app: 'reviews' } });
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER);
    expect(proof.passed).toBe(true);

    const withoutReviews = bundle.namespaces[0].policies.filter((policy) => policy.name !== 'rampart-reviews-v1-545db77b95-ingress');
    const broken = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER, withoutReviews);
    expect(broken.passed).toBe(false);
    expect(broken.denied.map((entry) => entry.description)).toEqual(['Deployment shop/web -> Service shop/reviews port 9080 (tcp)']);
  });

  it('numbers groups of one owner', async () => {
    // The two Pods share no label, so each needs its own selector, and the numbered names show one owner.
    const install = await load(ownedPod('reviews-v1-545db77b95-abcde', { app: 'reviews' }), ownedPod('reviews-v1-545db77b95-fghij', { name: 'reviews-canary' }), service, web);
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER });
    expect(bundle.groups.map((group) => group.name)).toEqual(['reviews-v1-545db77b95', 'reviews-v1-545db77b95-2', 'web']);
  });

  it('keeps Deployment names unchanged', async () => {
    const inventory = buildInventory(await load(deployment('shop', 'api', { app: 'api' })));
    expect(formatFlows(neededFlowsOf(inventory), 'text')).toContain('shop/api[Deployment] => kube-system/{k8s-app=kube-dns}');
  });
});
