import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderPolicies, synthesizeNetpol, DEFAULT_INGRESS_CONTROLLER, type GeneratedPolicy, type NetpolBundle } from '../../src/harden/netpol.js';
import { proveBundle, type Proof } from '../../src/harden/verify.js';
import { loadInputs, type LoadResult } from '../../src/load/index.js';
import { neededFlowsOf } from '../../src/model/cluster-flows.js';
import { flowsOf } from '../../src/model/flows.js';
import { buildInventory } from '../../src/model/inventory.js';
import { CORPUS, ROOT } from '../support/audit.js';
import { deployment, documents } from '../netpol/support.js';

const EXAMPLE = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');
const RENDERED = path.join(CORPUS, 'realworld', 'rendered');
const renders = readdirSync(RENDERED).filter((name) => name.endsWith('.yaml')).map((name) => path.join(RENDERED, name));

async function harden(inputs: string[], namespace?: string): Promise<{ install: LoadResult; bundle: NetpolBundle; proof: Proof }> {
  const install = await loadInputs(inputs, namespace ? { namespace } : {});
  const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER, replaceExisting: true });
  const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER);
  return { install, bundle, proof };
}

async function hardenText(yaml: string): Promise<{ install: LoadResult; bundle: NetpolBundle; proof: Proof }> {
  const install = await loadInputs(['-'], { readStdin: async () => yaml });
  const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER });
  const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER);
  return { install, bundle, proof };
}

function allPolicies(bundle: NetpolBundle): GeneratedPolicy[] {
  return bundle.namespaces.flatMap((entry) => entry.policies);
}

function expectPassed(proof: Proof): void {
  expect(proof.denied.map((entry) => entry.description)).toEqual([]);
  expect(proof.extra.map((entry) => `${entry.source} => ${entry.destination} : ${entry.connections.toString()}`)).toEqual([]);
  expect(proof.passed).toBe(true);
  expect(proof.checked).toBeGreaterThan(0);
}

/** Two Deployments in one namespace, the web client naming the api Service, with an Ingress to web. */
function smallApp(namespaceAnnotations: Record<string, string> = {}): string {
  const namespace = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', annotations: namespaceAnnotations } });
  const api = deployment('shop', 'api', { app: 'api', 'pod-template-hash': '5d8f7c9b6' }, [{ name: 'http', containerPort: 8080 }]);
  const web = JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', 'pod-template-hash': '7f6d5c4b3' } }, spec: { containers: [{ name: 'main', image: 'example/web:1', env: [{ name: 'API_URL', value: 'http://api:8080' }], ports: [{ containerPort: 3000 }] }] } },
    },
  });
  const service = (name: string, port: number) => JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { selector: { app: name }, ports: [{ port, targetPort: port }] } });
  const ingress = JSON.stringify({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 3000 } } } }] } }] },
  });
  return documents(namespace, api, web, service('api', 8080), service('web', 3000), ingress);
}

describe('needed flows', () => {
  it('adds DNS for every workload', async () => {
    const install = await loadInputs(['-'], { readStdin: async () => smallApp() });
    const inventory = buildInventory(install);
    const dns = neededFlowsOf(inventory).filter((flow) => flow.purpose === 'dns');
    expect(dns).toHaveLength(4);
    expect(dns.every((flow) => flow.port === 53 && flow.destinationPods?.podLabels['k8s-app'] === 'kube-dns')).toBe(true);
    expect(dns.map((flow) => flow.protocol).sort()).toEqual(['TCP', 'TCP', 'UDP', 'UDP']);
  });

  it('keeps DNS out of the transport flows', async () => {
    const install = await loadInputs(['-'], { readStdin: async () => smallApp({ 'linkerd.io/inject': 'enabled' }) });
    const inventory = buildInventory(install);
    expect(flowsOf(inventory).every((flow) => flow.purpose === undefined)).toBe(true);
    expect(flowsOf(inventory).length).toBeLessThan(neededFlowsOf(inventory).length);
  });

  it('adds Linkerd flows for meshed pods', async () => {
    const install = await loadInputs(['-'], { readStdin: async () => smallApp({ 'linkerd.io/inject': 'enabled' }) });
    const mesh = neededFlowsOf(buildInventory(install)).filter((flow) => flow.purpose === 'mesh');
    const controlPlane = mesh.filter((flow) => flow.destinationPods?.namespace === 'linkerd').map((flow) => flow.port);
    expect(controlPlane.sort()).toEqual([8080, 8080, 8086, 8086, 8090, 8090]);
    const inbound = mesh.filter((flow) => flow.port === 4143).map((flow) => `${flow.source.type === 'workload' ? flow.source.workload.name : flow.source.type}>${flow.destination?.name}`);
    expect(inbound.sort()).toEqual(['ingress-controller>web', 'web>api']);
    expect(mesh.filter((flow) => flow.port === 4191).map((flow) => flow.destination?.name).sort()).toEqual(['api', 'web']);
    expect(mesh.every((flow) => flow.reasons.length > 0)).toBe(true);
  });

  it('adds no Linkerd flows without injection', async () => {
    const install = await loadInputs(['-'], { readStdin: async () => smallApp() });
    expect(neededFlowsOf(buildInventory(install)).filter((flow) => flow.purpose === 'mesh')).toEqual([]);
  });
});

describe('harden netpol synthesis', () => {
  it('example platform passes the proof', async () => {
    const { bundle, proof } = await harden([EXAMPLE]);
    expectPassed(proof);
    expect(bundle.namespaces.map((entry) => entry.namespace)).toEqual(['howso']);
    const names = allPolicies(bundle).map((policy) => policy.name);
    expect(names).toContain('rampart-default-deny');
    expect(names).toContain('rampart-allow-dns');
    expect(names).toContain('rampart-platform-api-v3-ingress');
  });

  it('selects pods without unstable labels', async () => {
    const { bundle, proof } = await hardenText(smallApp());
    expectPassed(proof);
    const text = bundle.namespaces.map((entry) => renderPolicies(entry.policies)).join('---\n');
    expect(text).not.toContain('pod-template-hash');
    const parsed = parseAllDocuments(text);
    expect(Array.isArray(parsed)).toBe(true);
    for (const document of parsed as ReturnType<typeof parseAllDocuments> & unknown[]) expect(document.errors).toEqual([]);
  });

  it('comments each rule with its flow', async () => {
    const { bundle } = await hardenText(smallApp());
    const text = bundle.namespaces.map((entry) => renderPolicies(entry.policies)).join('');
    expect(text).toMatch(/# Deployment shop\/web -> Service shop\/api port 8080 \(http\): env API_URL of container main names api:8080\n\s+- to:/);
    expect(text).toMatch(/# the ingress controller -> Service shop\/web port 3000/);
  });

  it('meshed app passes with Linkerd ports', async () => {
    const { bundle, proof } = await hardenText(smallApp({ 'linkerd.io/inject': 'enabled' }));
    expectPassed(proof);
    const text = bundle.namespaces.map((entry) => renderPolicies(entry.policies)).join('');
    for (const port of [4143, 4191, 8080, 8086, 8090]) expect(text).toContain(`port: ${port}`);
    expect(text).toContain('linkerd.io/control-plane-component: identity');
  });

  it('ingress controller labels are configurable', async () => {
    const install = await loadInputs(['-'], { readStdin: async () => smallApp() });
    const traefik = { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } };
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: traefik });
    const text = bundle.namespaces.map((entry) => renderPolicies(entry.policies)).join('');
    expect(text).toContain('kubernetes.io/metadata.name: traefik');
    expect(text).not.toContain('ingress-nginx');
    expectPassed(await proveBundle(install, bundle, traefik));
  });

  it('proof fails when a rule is dropped', async () => {
    const { install, bundle } = await hardenText(smallApp());
    const broken = allPolicies(bundle).map((policy) => (policy.name === 'rampart-api-ingress' ? withSpec(policy, { ...policy.manifest.spec, ingress: [] }) : policy));
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER, broken);
    expect(proof.passed).toBe(false);
    expect(proof.denied.map((entry) => entry.description)).toEqual(['Deployment shop/web -> Service shop/api port 8080 (http)']);
  });

  it('proof fails when both sides widen', async () => {
    const { install, bundle } = await hardenText(smallApp());
    // Each side alone stays exact, because the other side's policy still limits the connection.
    const widened: Record<string, Record<string, unknown>> = {
      'rampart-api-ingress': { ingress: [{ from: [{ podSelector: {} }] }] },
      'rampart-web-egress': { egress: [{ to: [{ podSelector: {} }] }] },
    };
    const broken = allPolicies(bundle).map((policy) => (widened[policy.name] ? withSpec(policy, { ...policy.manifest.spec, ...widened[policy.name] }) : policy));
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER, broken);
    expect(proof.passed).toBe(false);
    expect(proof.denied).toEqual([]);
    expect(proof.extra.map((entry) => `${entry.source} => ${entry.destination} : ${entry.connections.toString()}`)).toEqual(['shop/web[Deployment] => shop/api[Deployment] : TCP 1-8079,8081-65535,UDP 1-65535,SCTP 1-65535']);
  });

  it('proof fails without DNS egress', async () => {
    const { install, bundle } = await hardenText(smallApp());
    const broken = allPolicies(bundle).filter((policy) => policy.name !== 'rampart-allow-dns');
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER, broken);
    expect(proof.passed).toBe(false);
    expect(proof.denied.map((entry) => entry.description)).toEqual([
      'Deployment shop/api -> kube-dns (pods k8s-app=kube-dns in namespace kube-system) port 53/UDP (dns)',
      'Deployment shop/api -> kube-dns (pods k8s-app=kube-dns in namespace kube-system) port 53/TCP (dns)',
      'Deployment shop/web -> kube-dns (pods k8s-app=kube-dns in namespace kube-system) port 53/UDP (dns)',
      'Deployment shop/web -> kube-dns (pods k8s-app=kube-dns in namespace kube-system) port 53/TCP (dns)',
    ]);
  });
});

describe('harden netpol on realworld renders', () => {
  it('has renders to harden', () => {
    expect(renders.length).toBeGreaterThan(0);
  });

  it.each(renders.map((file) => [path.basename(file), file]))('%s alone passes the proof', async (_name, file) => {
    const { proof } = await harden([file], 'howso');
    expectPassed(proof);
  });

  it('all renders and the example together pass', async () => {
    const { proof } = await harden([...renders, EXAMPLE], 'howso');
    expectPassed(proof);
    expect(proof.workloads).toBeGreaterThan(10);
  });

  it('chart policies left in place fail the proof', async () => {
    const install = await loadInputs([path.join(RENDERED, 'postgres.yaml')], { namespace: 'howso' });
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER });
    expect(bundle.existingPolicies.map((policy) => policy.name)).toEqual(['platform-postgres-postgresql']);
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER);
    expect(proof.passed).toBe(false);
    expect(proof.extra.map((entry) => entry.connections.toString())).toEqual(['TCP 5432']);
  });
});

function withSpec(policy: GeneratedPolicy, spec: Record<string, unknown>): GeneratedPolicy {
  return { ...policy, manifest: { ...policy.manifest, spec } };
}
