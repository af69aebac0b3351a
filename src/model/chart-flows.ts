// Flows between the parts of one backing chart that no address in the input shows: nats-box
// reads its server's address from a Secret, and Bitnami Redis replicas and Sentinel nodes find
// their master through scripts. Facts are from the charts' templates: nats-io/k8s
// helm/charts/nats (nats-box Deployment and its contexts Secret) and bitnami/charts
// bitnami/redis (templates/replicas/application.yaml, templates/sentinel/statefulset.yaml).
import { NATS_CLIENT_PORT, nats } from '../profiles/nats.js';
import { REDIS_PORT, redis } from '../profiles/redis.js';
import { list, record, text } from './access.js';
import type { Flow } from './flows.js';
import type { Inventory, ServiceInfo } from './inventory.js';
import type { Workload } from './workloads.js';

/** Port of Redis Sentinel in the Bitnami chart (`sentinel.containerPorts.sentinel`). */
export const REDIS_SENTINEL_PORT = 26379;

const COMPONENT = 'app.kubernetes.io/component';
const INSTANCE = 'app.kubernetes.io/instance';
const NAME = 'app.kubernetes.io/name';

/** Infers the flows inside one release of the NATS and Bitnami Redis charts, each with its reason. */
export function chartInternalFlows(inventory: Inventory, isRunning: (workload: Workload) => boolean): Flow[] {
  const flows: Flow[] = [];
  for (const workload of inventory.workloads) {
    // Replicas scaled to zero (the chart's default for `replica.replicaCount: 0` in some installs)
    // keep their flow, so that scaling them up later does not break replication.
    if (isRedisReplica(workload)) flows.push(...redisReplicaFlows(workload, inventory, isRunning));
    if (!isRunning(workload)) continue;
    if (isNatsBox(workload)) flows.push(...natsBoxFlows(workload, inventory, isRunning));
    if (isRedisSentinelNode(workload)) flows.push(...redisSentinelFlows(workload));
  }
  return flows;
}

/** Tells whether a workload is the nats-box Deployment of the nats-io/k8s chart, or a chart test Pod running nats-box. */
function isNatsBox(workload: Workload): boolean {
  if (workload.podLabels[COMPONENT] === 'nats-box') return true;
  return workload.podLabels[NAME] === 'nats' && workload.containers.some((container) => /(^|\/)nats-box(:|@|$)/.test(container.image));
}

function isRedisReplica(workload: Workload): boolean {
  return workload.podLabels[NAME] === 'redis' && workload.podLabels[COMPONENT] === 'replica' && redis.isServer(workload);
}

/** Tells whether a workload is a Bitnami Redis node of the Sentinel architecture: a redis and a sentinel container in one pod. */
function isRedisSentinelNode(workload: Workload): boolean {
  if (workload.podLabels[NAME] !== 'redis' || workload.podLabels[COMPONENT] !== 'node') return false;
  return workload.containers.some((container) => container.name === 'sentinel' || /(^|\/)redis-sentinel(:|@|$)/.test(container.image));
}

/** Servers of the same namespace and Helm release as `workload` that `isServer` accepts. */
function releaseServers(workload: Workload, inventory: Inventory, isServer: (candidate: Workload) => boolean, isRunning: (workload: Workload) => boolean): Workload[] {
  const release = workload.podLabels[INSTANCE];
  if (release === undefined) return [];
  return inventory.workloadsIn(workload.namespace).filter((candidate) => candidate !== workload && candidate.podLabels[INSTANCE] === release && isServer(candidate) && isRunning(candidate));
}

/** Finds the Service that clients use to reach `server` on `port`: not headless, and selecting the server. */
function clientService(server: Workload, port: number, inventory: Inventory): ServiceInfo | undefined {
  return inventory.servicesIn(server.namespace).find((service) => !service.headless && service.workloads.includes(server) && service.ports.some((entry) => entry.port === port));
}

function natsBoxFlows(box: Workload, inventory: Inventory, isRunning: (workload: Workload) => boolean): Flow[] {
  const secret = list(box.podSpec.volumes)
    .map((volume) => text(record(record(volume).secret).secretName))
    .find((name) => name?.endsWith('-box-contexts'));
  const context = secret ? `its NATS context is in Secret ${secret}, whose values are not read` : 'its NATS context is not in the input';
  return releaseServers(box, inventory, nats.isServer, isRunning).map((server) => {
    const service = clientService(server, NATS_CLIENT_PORT, inventory);
    return {
      source: { type: 'workload', workload: box },
      destination: server,
      target: { service: service?.name ?? server.name, namespace: server.namespace, chart: nats },
      ...(service ? { service } : {}),
      port: NATS_CLIENT_PORT,
      protocol: 'TCP',
      appProtocol: 'nats',
      reasons: [`${box.name} runs nats-box of release ${box.podLabels[INSTANCE]}, which the nats-io/k8s chart points at the release's NATS server; ${context}`],
    };
  });
}

function redisReplicaFlows(replica: Workload, inventory: Inventory, isRunning: (workload: Workload) => boolean): Flow[] {
  const isMaster = (candidate: Workload) => candidate.podLabels[COMPONENT] === 'master' && redis.isServer(candidate);
  return releaseServers(replica, inventory, isMaster, isRunning).map((master) => {
    const service = clientService(master, REDIS_PORT, inventory);
    return {
      source: { type: 'workload', workload: replica },
      destination: master,
      target: { service: service?.name ?? master.name, namespace: master.namespace, chart: redis },
      ...(service ? { service } : {}),
      port: REDIS_PORT,
      protocol: 'TCP',
      appProtocol: 'redis',
      reasons: [`Bitnami Redis replicas of release ${replica.podLabels[INSTANCE]} replicate from its master (app.kubernetes.io/component: replica to master)`],
    };
  });
}

function redisSentinelFlows(node: Workload): Flow[] {
  const roles = [
    { port: REDIS_PORT, reason: 'Bitnami Redis nodes of the Sentinel architecture replicate from whichever node is the master' },
    { port: REDIS_SENTINEL_PORT, reason: 'the Sentinels of the Bitnami Redis nodes talk to each other to agree on the master' },
  ];
  return roles.map(({ port, reason }) => ({
    source: { type: 'workload', workload: node },
    destination: node,
    target: { service: node.name, namespace: node.namespace, chart: redis },
    port,
    protocol: 'TCP',
    appProtocol: 'redis',
    reasons: [reason],
  }));
}
