import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INGRESS_CONTROLLER, renderPolicies, synthesizeNetpol } from '../../src/harden/netpol.js';
import { proveBundle } from '../../src/harden/verify.js';
import { loadInputs } from '../../src/load/index.js';
import { neededFlowsOf } from '../../src/model/cluster-flows.js';
import { flowsOf, type Flow } from '../../src/model/flows.js';
import { buildInventory } from '../../src/model/inventory.js';
import { CORPUS } from '../support/audit.js';
import { inventoryOf } from './support.js';

const RENDERED = path.join(CORPUS, 'realworld', 'rendered');

function application(flows: Flow[]): string[] {
  return flows
    .filter((flow) => flow.purpose === undefined && flow.source.type === 'workload' && flow.destination)
    .map((flow) => `${flow.source.type === 'workload' ? flow.source.workload.name : ''} -> ${flow.destination!.name}:${flow.port}`);
}

/** Returns the Redis render with its replicas scaled up, as `replica.replicaCount: 2` renders it. */
function scaledRedis(): string {
  return readFileSync(path.join(RENDERED, 'redis.yaml'), 'utf8').replace(/^ {2}replicas: 0$/m, '  replicas: 2');
}

describe('flows inside chart releases', () => {
  it('nats-box reaches its NATS server', async () => {
    const inventory = await inventoryOf(readFileSync(path.join(RENDERED, 'nats.yaml'), 'utf8'), 'howso');
    const flows = neededFlowsOf(inventory).filter((flow) => flow.source.type === 'workload' && flow.source.workload.name === 'platform-nats-box' && flow.purpose === undefined);
    expect(flows.map((flow) => `${flow.destination?.name} ${flow.service?.name}:${flow.port} ${flow.appProtocol}`)).toEqual(['platform-nats platform-nats:4222 nats']);
    expect(flows[0].reasons).toEqual([
      "platform-nats-box runs nats-box of release platform-nats, which the nats-io/k8s chart points at the release's NATS server; its NATS context is in Secret platform-nats-box-contexts, whose values are not read",
    ]);
    // The chart's test Pod runs nats-box too.
    expect(application(neededFlowsOf(inventory))).toContain('platform-nats-test-request-reply -> platform-nats:4222');
    // The transport checks do not see these flows.
    expect(application(flowsOf(inventory))).toEqual([]);
  });

  it('Redis replicas reach the master only', async () => {
    const inventory = await inventoryOf(scaledRedis(), 'howso');
    const flows = neededFlowsOf(inventory);
    expect(application(flows)).toEqual(['platform-redis-replicas -> platform-redis-master:6379']);
    const replication = flows.find((flow) => flow.destination?.name === 'platform-redis-master' && flow.source.type === 'workload');
    expect(replication?.reasons).toContain('Bitnami Redis replicas of release platform-redis replicate from its master (app.kubernetes.io/component: replica to master)');
    // REDIS_MASTER_HOST names the master's pod through the headless Service.
    expect(replication?.service?.name).toBe('platform-redis-headless');
  });

  it('Redis replicas scaled to zero keep their flow', async () => {
    // Scaling the replicas up later must not break replication.
    const inventory = await inventoryOf(readFileSync(path.join(RENDERED, 'redis.yaml'), 'utf8'), 'howso');
    expect(application(neededFlowsOf(inventory))).toEqual(['platform-redis-replicas -> platform-redis-master:6379']);
    // The transport checks judge only flows that run.
    expect(application(flowsOf(inventory))).toEqual([]);
  });

  it('unscaled Redis passes the proof', async () => {
    const install = await loadInputs([path.join(RENDERED, 'redis.yaml')], { namespace: 'howso' });
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER, replaceExisting: true });
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER);
    expect(proof.denied).toEqual([]);
    expect(proof.passed).toBe(true);
    expect(bundle.namespaces.map((entry) => renderPolicies(entry.policies)).join('')).toContain('# StatefulSet howso/platform-redis-replicas -> Service howso/platform-redis-master port 6379 (redis)');
  });

  it('scaled Redis passes the proof', async () => {
    const install = await loadInputs(['-'], { readStdin: async () => scaledRedis(), namespace: 'howso' });
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER, replaceExisting: true });
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER);
    expect(proof.denied).toEqual([]);
    expect(proof.extra).toEqual([]);
    expect(proof.passed).toBe(true);
    expect(bundle.namespaces.map((entry) => renderPolicies(entry.policies)).join('')).toContain('# StatefulSet howso/platform-redis-replicas -> Service howso/platform-redis-headless port 6379 (redis)');
  });

  it('nats render passes the proof with nats-box', async () => {
    const install = await loadInputs([path.join(RENDERED, 'nats.yaml')], { namespace: 'howso' });
    const bundle = synthesizeNetpol(buildInventory(install), { ingressController: DEFAULT_INGRESS_CONTROLLER, replaceExisting: true });
    const proof = await proveBundle(install, bundle, DEFAULT_INGRESS_CONTROLLER);
    expect(proof.passed).toBe(true);
    const text = bundle.namespaces.map((entry) => renderPolicies(entry.policies)).join('');
    expect(text).toContain('# Deployment howso/platform-nats-box -> Service howso/platform-nats port 4222 (nats)');
  });
});

describe('Redis Sentinel nodes', () => {
  const node = JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'cache-redis-node', namespace: 'shop' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'cache', 'app.kubernetes.io/component': 'node' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'cache', 'app.kubernetes.io/component': 'node' } },
        spec: {
          containers: [
            { name: 'redis', image: 'docker.io/bitnami/redis:8.2.1', ports: [{ name: 'redis', containerPort: 6379 }] },
            { name: 'sentinel', image: 'docker.io/bitnami/redis-sentinel:8.2.1', ports: [{ name: 'redis-sentinel', containerPort: 26379 }] },
          ],
        },
      },
    },
  });

  it('talk to each other on both ports', async () => {
    const flows = neededFlowsOf(await inventoryOf(node)).filter((flow) => flow.purpose === undefined);
    expect(flows.map((flow) => `${flow.source.type === 'workload' ? flow.source.workload.name : flow.source.type} -> ${flow.destination?.name}:${flow.port}`)).toEqual(['cache-redis-node -> cache-redis-node:6379', 'cache-redis-node -> cache-redis-node:26379']);
    expect(flows.every((flow) => flow.reasons.length === 1)).toBe(true);
  });
});

describe('PostgreSQL server names', () => {
  const server = (image: string, labels: Record<string, string>) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'postgres', image, ports: [{ containerPort: 5432 }] }] } } },
    });
  const reasonOf = async (yaml: string) => flowsOf(await inventoryOf(yaml)).map((flow) => flow.reasons.join('; '));

  it('plain postgres image is not Bitnami', async () => {
    expect(await reasonOf(server('postgres:16', { app: 'db' }))).toEqual(['db is a PostgreSQL server; its clients are not in the input']);
  });

  it('Bitnami image is named so', async () => {
    expect(await reasonOf(server('docker.io/bitnami/postgresql:16.4.0', { app: 'db' }))).toEqual(['db is a bitnami postgresql server; its clients are not in the input']);
    expect(await reasonOf(server('registry.example.com/mirror/db:16', { 'app.kubernetes.io/name': 'postgresql', 'helm.sh/chart': 'postgresql-16.0.0' }))).toEqual(['db is a bitnami postgresql server; its clients are not in the input']);
  });
});
