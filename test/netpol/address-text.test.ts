import { describe, expect, it } from 'vitest';
import { neededFlowsOf } from '../../src/model/cluster-flows.js';
import { apiServerReferencesOf, flowsOf, outsideFlowsOf, type Flow } from '../../src/model/flows.js';
import { argumentSettings, isAddressList, isAddressSetting } from '../../src/model/addresses.js';
import { documents, inventoryOf } from './support.js';

interface ClientSpec {
  env?: Record<string, string>;
  args?: string[];
  configMap?: Record<string, string>;
  namespace?: string;
}

/** Builds a Deployment `frontend` with literal env, args and an envFrom ConfigMap `settings`. */
function client({ env = {}, args = [], configMap, namespace = 'shop' }: ClientSpec): string {
  const container = { name: 'main', image: 'example/frontend:1', args, env: Object.entries(env).map(([name, value]) => ({ name, value })), ...(configMap ? { envFrom: [{ configMapRef: { name: 'settings' } }] } : {}) };
  const deployment = JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'frontend', namespace },
    spec: { selector: { matchLabels: { app: 'frontend' } }, template: { metadata: { labels: { app: 'frontend' } }, spec: { containers: [container] } } },
  });
  if (!configMap) return deployment;
  return documents(deployment, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace }, data: configMap }));
}

const catalogService = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'catalog', namespace: 'shop' }, spec: { selector: { app: 'catalog' }, ports: [{ port: 3550 }] } });
const catalog = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'catalog', namespace: 'shop' },
  spec: { selector: { matchLabels: { app: 'catalog' } }, template: { metadata: { labels: { app: 'catalog' } }, spec: { containers: [{ name: 'main', image: 'example/catalog:1', ports: [{ containerPort: 3550 }] }] } } },
});

function targets(flows: Flow[]): string[] {
  return flows.map((flow) => `${flow.target.namespace}/${flow.target.service}:${flow.port}`);
}

async function outsideTargets(spec: ClientSpec): Promise<string[]> {
  return targets(outsideFlowsOf(await inventoryOf(client(spec))));
}

describe('host:port outside an address setting', () => {
  it('makes no flow', async () => {
    expect(await outsideTargets({ env: { LOG_LEVEL: 'info:2', VERSION_TAG: 'v1:2' } })).toEqual([]);
    expect(await outsideTargets({ args: ['--x=warn:3', '--tag', 'v1:2'] })).toEqual([]);
    expect(await outsideTargets({ configMap: { LEVEL_SERVICE: 'debug:1' } })).toEqual([]);
  });

  it('counts in an address setting', async () => {
    expect(await outsideTargets({ env: { CATALOG_ADDR: 'catalog:3550', cartHost: 'cart:7070', PAYMENT_SERVER: 'payment:50051' } })).toEqual(['shop/catalog:3550', 'shop/cart:7070', 'shop/payment:50051']);
    expect(await outsideTargets({ args: ['--auth-server=auth:9000', '--events-url', 'events:4222'] })).toEqual(['shop/auth:9000', 'shop/events:4222']);
    expect(await outsideTargets({ env: { KAFKA_BROKERS_HOSTS: 'kafka-0:9092,kafka-1:9092' } })).toEqual(['shop/kafka-0:9092', 'shop/kafka-1:9092']);
  });

  it('URLs count anywhere', async () => {
    expect(await outsideTargets({ env: { MIXED: 'see http://docs-svc:8080/help please' }, args: ['--x=nats://events:4222'] })).toEqual(['shop/docs-svc:8080', 'shop/events:4222']);
  });

  it('sentences make no flow', async () => {
    expect(await outsideTargets({ env: { MIXED: 'connect to svc-g:1234 please', UPSTREAM_SERVICE: 'connect to svc-h:1234 please' } })).toEqual([]);
  });

  it('ports out of range make no flow', async () => {
    expect(await outsideTargets({ env: { A_ADDR: 'svc-a:0', B_ADDR: 'svc-b:65536', C_ADDR: 'svc-c:123456', D_URL: 'http://svc-d:0/' } })).toEqual([]);
    const inventory = await inventoryOf(documents(client({ env: { CATALOG_ADDR: 'catalog:0', OTHER: 'catalog:99999' } }), catalogService, catalog));
    expect(targets(flowsOf(inventory))).toEqual([]);
  });

  it('Services of the input count bare', async () => {
    const inventory = await inventoryOf(documents(client({ env: { ANYTHING: 'catalog:3550' } }), catalogService, catalog));
    expect(targets(flowsOf(inventory))).toEqual(['shop/catalog:3550']);
  });
});

describe('user information in addresses', () => {
  it('user alone is not a Service', async () => {
    expect(await outsideTargets({ env: { DATABASE_URL: 'postgresql://dbuser@orders-db:5432/db' } })).toEqual(['shop/orders-db:5432']);
  });

  it('user and password not a Service', async () => {
    const env = { A_URL: 'redis://cache-user:s3cret@cache-a:6379/0', B_URL: 'amqp://mq:1234@queue-b:5672', C_URL: 'http://u:p@ss@web-c:8080/', D_ADDR: 'dbuser@orders-d:5432' };
    expect(await outsideTargets({ env })).toEqual(['shop/cache-a:6379', 'shop/queue-b:5672', 'shop/web-c:8080', 'shop/orders-d:5432']);
  });

  it('platform datastore with a user', async () => {
    const inventory = await inventoryOf(client({ env: { DATABASE_URL: 'postgresql://dbuser@platform-postgres-postgresql:5432/db' }, namespace: 'howso' }));
    expect(targets(flowsOf(inventory))).toEqual(['howso/platform-postgres-postgresql:5432']);
    expect(targets(outsideFlowsOf(inventory))).toEqual([]);
  });
});

describe('Kubernetes API server', () => {
  it('makes no Service flow', async () => {
    const env = { KUBE_URL: 'https://kubernetes.default.svc:443', API_HOST: 'kubernetes.default', FULL: 'https://kubernetes.default.svc.cluster.local/api' };
    const inventory = await inventoryOf(client({ env }));
    expect(targets(neededFlowsOf(inventory).filter((flow) => flow.purpose === undefined))).toEqual([]);
    expect(apiServerReferencesOf(inventory).map((reference) => reference.where)).toEqual(['env KUBE_URL of container main', 'env API_HOST of container main', 'env FULL of container main']);
  });

  it('bare name only in default', async () => {
    expect(apiServerReferencesOf(await inventoryOf(client({ env: { API_URL: 'https://kubernetes:443' }, namespace: 'default' }))).map((reference) => reference.text)).toEqual(['kubernetes:443']);
    const elsewhere = await inventoryOf(client({ env: { API_URL: 'https://kubernetes:443' } }));
    expect(apiServerReferencesOf(elsewhere)).toEqual([]);
    expect(targets(outsideFlowsOf(elsewhere))).toEqual(['shop/kubernetes:443']);
  });
});

describe('address text helpers', () => {
  it('setting names', () => {
    for (const name of ['CATALOG_ADDR', 'API_HOST', 'NATS_URL', 'nats.url', 'auth-server', 'server', 'redisHost', 'authURL', 'KAFKA_HOSTS', 'CART_SERVICE']) expect(isAddressSetting(name), name).toBe(true);
    for (const name of ['LOG_LEVEL', 'VERSION_TAG', 'x', 'GHOST', 'HOSTNAME_PREFIX', undefined]) expect(isAddressSetting(name), String(name)).toBe(false);
  });

  it('address lists', () => {
    for (const value of ['a:1', 'a:1,b:2', 'a:1 b:2', 'http://x y:3', 'user@db:5432']) expect(isAddressList(value), value).toBe(true);
    for (const value of ['connect to a:1 please', 'a', '', 'a:1, and more']) expect(isAddressList(value), value).toBe(false);
  });

  it('argument names', () => {
    expect(argumentSettings(['--server=a:1', '--url', 'b:2', 'c:3', '-v'])).toEqual([{ name: 'server', value: 'a:1' }, { value: '--url' }, { name: 'url', value: 'b:2' }, { value: 'c:3' }, { value: '-v' }]);
  });
});
