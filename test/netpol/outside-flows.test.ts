import { describe, expect, it } from 'vitest';
import { neededFlowsOf } from '../../src/model/cluster-flows.js';
import { flowsOf, outsideFlowsOf, type Flow } from '../../src/model/flows.js';
import { documents, inventoryOf, namespaceObject } from './support.js';

/** Builds a Deployment `frontend` in namespace shop whose container has the given literal env. */
function client(env: Record<string, string>, namespace = 'shop'): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'frontend', namespace },
    spec: {
      selector: { matchLabels: { app: 'frontend' } },
      template: { metadata: { labels: { app: 'frontend' } }, spec: { containers: [{ name: 'main', image: 'example/frontend:1', env: Object.entries(env).map(([name, value]) => ({ name, value })) }] } },
    },
  });
}

function summary(flows: Flow[]): string[] {
  return flows.map((flow) => `${flow.target.namespace}/${flow.target.service}:${flow.port}/${flow.protocol} ${flow.appProtocol}`);
}

async function outsideOf(...parts: string[]): Promise<Flow[]> {
  return outsideFlowsOf(await inventoryOf(documents(...parts)));
}

describe('flows to Services not in the input', () => {
  it('reads host:port in an address setting', async () => {
    const flows = await outsideOf(client({ PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice:3550' }));
    expect(summary(flows)).toEqual(['shop/productcatalogservice:3550/TCP tcp']);
    expect(flows[0].destination).toBeUndefined();
    expect(flows[0].reasons).toEqual(['env PRODUCT_CATALOG_SERVICE_ADDR of container main names productcatalogservice:3550']);
  });

  it('lists them among the needed flows only', async () => {
    const inventory = await inventoryOf(client({ CART_SERVICE_ADDR: 'cartservice:7070' }));
    expect(summary(flowsOf(inventory))).toEqual([]);
    expect(summary(neededFlowsOf(inventory).filter((flow) => flow.purpose === undefined))).toEqual(['shop/cartservice:7070/TCP tcp']);
  });

  it('reads URLs with and without a port', async () => {
    const flows = await outsideOf(client({ A: 'http://checkout:5050/api', B: 'https://payments.billing.svc.cluster.local/charge', C: 'nats://events.billing.svc' }));
    expect(summary(flows)).toEqual(['shop/checkout:5050/TCP http', 'billing/payments:443/TCP https', 'billing/events:4222/TCP nats']);
    expect(flows[1].reasons[0]).toContain('(port 443 by default for https://)');
  });

  it('takes the port of a sibling setting', async () => {
    const flows = await outsideOf(client({ CATALOG_HOST: 'catalog', CATALOG_PORT: '3550' }));
    expect(summary(flows)).toEqual(['shop/catalog:3550/TCP tcp']);
    expect(flows[0].reasons).toEqual(['env CATALOG_HOST of container main names catalog (port 3550 from CATALOG_PORT)']);
  });

  it('resolves svc.ns only for namespaces of the input', async () => {
    expect(summary(await outsideOf(client({ AUTH_ADDR: 'auth.identity:9000' })))).toEqual([]);
    expect(summary(await outsideOf(namespaceObject('identity'), client({ AUTH_ADDR: 'auth.identity:9000' })))).toEqual(['identity/auth:9000/TCP tcp']);
  });

  it('ignores non-address text', async () => {
    const env = {
      LOG_LEVEL: 'info',
      STARTS_AT: '10:30',
      UPSTREAM_URL: 'https://api.example.com/v1',
      FEATURE_SERVICE: 'true',
      LOCAL_ADDR: 'localhost:8080',
      LISTEN_ADDR: '0.0.0.0:8080',
      CATALOG_HOST: 'catalog',
      GREETING: 'hello world',
      MODE: 'fast',
      CONFIG: 'retries:3\ntimeout:30\n',
      IMAGE_HOST: 'Registry',
      BAD_PORT: 'catalog:70000',
    };
    expect(summary(await outsideOf(client(env)))).toEqual([]);
  });

  it('ignores a server naming itself', async () => {
    const server = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'kafka', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'kafka' } }, template: { metadata: { labels: { app: 'kafka' } }, spec: { containers: [{ name: 'main', image: 'kafka:3', env: [{ name: 'ADVERTISED_ADDR', value: 'kafka:9092' }] }] } } },
    });
    expect(summary(await outsideOf(server))).toEqual([]);
  });

  it('prefers a Service of the input', async () => {
    const service = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'catalog', namespace: 'shop' }, spec: { selector: { app: 'catalog' }, ports: [{ port: 3550 }] } });
    expect(summary(await outsideOf(client({ CATALOG_ADDR: 'catalog:3550' }), service))).toEqual([]);
  });
});
