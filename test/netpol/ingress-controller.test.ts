import { describe, expect, it } from 'vitest';
import { connlist, endpointName } from '../../src/netpol/connlist.js';
import { explain } from '../../src/netpol/explain.js';
import { deployment, documents, inventoryOf, policy } from './support.js';

const NGINX = { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } };

const service = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
const ingress = JSON.stringify({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
});
/** Admits only the ingress-nginx controller pods, as a harden bundle does. */
const admitNginx = policy('shop', 'web', {
  podSelector: { matchLabels: { app: 'web' } },
  policyTypes: ['Ingress'],
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }], ports: [{ port: 8080 }] }],
});

function controllerLines(connections: ReturnType<typeof connlist>): string[] {
  return connections.filter((connection) => connection.source.type === 'ingress-controller').map((connection) => `${endpointName(connection.source)} => ${endpointName(connection.destination)} : ${connection.connections.toString()}`);
}

describe('ingress controller location', () => {
  it('unknown location matches no named namespace', async () => {
    const inventory = await inventoryOf(documents(deployment('shop', 'web', { app: 'web' }), service, ingress, admitNginx));
    expect(controllerLines(connlist(inventory))).toEqual([]);
    expect(explain(inventory, '{ingress-controller}', 'shop/web', { port: 8080, protocol: 'TCP' }).allowed).toBe(false);
  });

  it('given location matches its namespace and labels', async () => {
    const inventory = await inventoryOf(documents(deployment('shop', 'web', { app: 'web' }), service, ingress, admitNginx));
    expect(controllerLines(connlist(inventory, undefined, NGINX))).toEqual(['{ingress-controller} => shop/web[Deployment] : TCP 8080']);
    const result = explain(inventory, '{ingress-controller}', 'shop/web', { port: 8080, protocol: 'TCP' }, NGINX);
    expect(result.allowed).toBe(true);
    expect(result.ingress.allowedBy.map((entry) => entry.ref.policy.resource.name)).toEqual(['web']);
  });

  it('other labels are not admitted', async () => {
    const inventory = await inventoryOf(documents(deployment('shop', 'web', { app: 'web' }), service, ingress, admitNginx));
    const traefik = { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'traefik' } };
    expect(controllerLines(connlist(inventory, undefined, traefik))).toEqual([]);
  });

  it('a podSelector-only peer admits it in its own namespace', async () => {
    const sameNamespace = policy('ingress-nginx', 'web', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }] }] });
    const service2 = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ingress-nginx' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    const ingress2 = JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'ingress-nginx' }, spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } });
    const inventory = await inventoryOf(documents(deployment('ingress-nginx', 'web', { app: 'web' }), service2, ingress2, sameNamespace));
    expect(controllerLines(connlist(inventory))).toEqual([]);
    expect(controllerLines(connlist(inventory, undefined, NGINX))).toEqual(['{ingress-controller} => ingress-nginx/web[Deployment] : TCP 80']);
  });

  it('its own egress policies limit it', async () => {
    const denyEgress = policy('ingress-nginx', 'deny-egress', { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }, policyTypes: ['Egress'] });
    const inventory = await inventoryOf(documents(deployment('shop', 'web', { app: 'web' }), service, ingress, admitNginx, denyEgress));
    expect(controllerLines(connlist(inventory, undefined, NGINX))).toEqual([]);
    const result = explain(inventory, '{ingress-controller}', 'shop/web', { port: 8080, protocol: 'TCP' }, NGINX);
    expect(result.allowed).toBe(false);
    expect(result.egress.isolatedBy.map((entry) => entry.resource.name)).toEqual(['deny-egress']);
    expect(result.ingress.allowed).toBe(true);
  });
});
