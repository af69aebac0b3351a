import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInputs } from '../../src/load/index.js';
import { buildInventory } from '../../src/model/inventory.js';
import { hardenedInstall, type ValuesOverlay } from '../../src/harden/overlay-effects/index.js';
import { natsConfig } from '../../src/profiles/nats.js';
import { encryptionMap } from '../../src/transport/encryption.js';
import { CORPUS } from '../support/audit.js';
import { load as loadYaml } from 'js-yaml';
import { readFileSync } from 'node:fs';

const RENDERED = path.join(CORPUS, 'realworld', 'rendered');
const VALUES = path.join(CORPUS, 'realworld', 'values');

function overlayFrom(file: string, chart: ValuesOverlay['chart'], release: string, namespace: string): ValuesOverlay {
  return { release, namespace, chart, values: loadYaml(readFileSync(path.join(VALUES, file), 'utf8')) as Record<string, unknown>, comments: {} };
}

async function modelled(render: string, overlay: ValuesOverlay) {
  const install = await loadInputs([path.join(RENDERED, render)], { namespace: overlay.namespace });
  return buildInventory(await hardenedInstall(install, [overlay], []));
}

async function real(render: string, namespace: string) {
  return buildInventory(await loadInputs([path.join(RENDERED, render)], { namespace }));
}

function verdicts(inventory: ReturnType<typeof buildInventory>): string[] {
  return encryptionMap(inventory, false).map((entry) => `${entry.flow.target.service}:${entry.flow.port}=${entry.verdict}`);
}

function server(inventory: ReturnType<typeof buildInventory>, name: string) {
  const workload = inventory.workloads.find((candidate) => candidate.name === name);
  if (!workload) throw new Error(`no workload ${name}`);
  return workload;
}

describe('NATS model against real renders', () => {
  it('linkerd values give the render annotations', async () => {
    const overlay = overlayFrom('nats-linkerd.yaml', 'nats', 'platform-nats', 'default');
    const ours = await modelled('nats.yaml', overlay);
    const theirs = await real('nats-linkerd.yaml', 'default');
    expect(server(ours, 'platform-nats').podAnnotations).toEqual(server(theirs, 'platform-nats').podAnnotations);
    const service = (inventory: typeof ours) => inventory.find('Service', 'default', 'platform-nats')?.annotations;
    expect(service(ours)).toEqual(service(theirs));
    const headless = (inventory: typeof ours) => inventory.find('Service', 'default', 'platform-nats-headless')?.annotations;
    expect(headless(ours)).toEqual(headless(theirs));
    expect(verdicts(ours)).toEqual(verdicts(theirs));
  });

  it('tls values give the render tls block', async () => {
    const overlay = overlayFrom('nats-tls.yaml', 'nats', 'platform-nats', 'default');
    const ours = await modelled('nats.yaml', overlay);
    const theirs = await real('nats-tls.yaml', 'default');
    const block = (inventory: typeof ours) => natsConfig(server(inventory, 'platform-nats'), inventory)?.tls;
    expect(block(ours)).toEqual(block(theirs));
    expect(block(ours)).toEqual({ cert_file: '/etc/nats-certs/nats/tls.crt', key_file: '/etc/nats-certs/nats/tls.key', verify: true });
    expect(verdicts(ours)).toEqual(verdicts(theirs));
    expect(verdicts(ours)).toEqual(['platform-nats:4222=tls']);
  });
});

describe('PostgreSQL model against the real render', () => {
  it('tls values give the render env and verdict', async () => {
    const overlay = overlayFrom('postgres-tls.yaml', 'postgres', 'platform-postgres', 'howso');
    const ours = await modelled('postgres.yaml', overlay);
    const theirs = await real('postgres-tls.yaml', 'howso');
    const tlsEnv = (inventory: typeof ours) =>
      server(inventory, 'platform-postgres-postgresql')
        .containers.filter((container) => container.name === 'postgresql')
        .flatMap((container) => (container.container.env as { name: string; value?: string }[]).filter((entry) => entry.name.includes('TLS')));
    expect(tlsEnv(ours)).toEqual(tlsEnv(theirs));
    expect(verdicts(ours)).toEqual(verdicts(theirs));
    expect(verdicts(ours)).toEqual(['platform-postgres-postgresql:5432=tls-optional']);
  });

  it('hostssl-only pg_hba makes it tls', async () => {
    const overlay = overlayFrom('postgres-tls.yaml', 'postgres', 'platform-postgres', 'howso');
    overlay.values.primary = { pgHbaConfiguration: 'local all all scram-sha-256\nhostssl all all 0.0.0.0/0 scram-sha-256\n' };
    expect(verdicts(await modelled('postgres.yaml', overlay))).toEqual(['platform-postgres-postgresql:5432=tls']);
  });
});

describe('Redis and MinIO models', () => {
  it('redis tls closes the plaintext port', async () => {
    const overlay: ValuesOverlay = { release: 'platform-redis', namespace: 'howso', chart: 'redis', values: { tls: { enabled: true, authClients: false, existingSecret: 'platform-redis-tls' } }, comments: {} };
    expect(verdicts(await modelled('redis.yaml', overlay))).toEqual(['platform-redis-master:6379=tls']);
  });

  it('minio tls mounts the certificates', async () => {
    const overlay: ValuesOverlay = { release: 'platform-minio', namespace: 'howso', chart: 'minio', values: { tls: { enabled: true, certSecret: 'platform-minio-tls', publicCrt: 'tls.crt', privateKey: 'tls.key' } }, comments: {} };
    const inventory = await modelled('minio-community.yaml', overlay);
    expect(verdicts(inventory).every((entry) => entry.endsWith('=tls'))).toBe(true);
    expect(verdicts(inventory).length).toBeGreaterThan(0);
  });

  it('an overlay for another release changes nothing', async () => {
    const overlay: ValuesOverlay = { release: 'other', namespace: 'howso', chart: 'redis', values: { tls: { enabled: true, existingSecret: 'x' } }, comments: {} };
    expect(verdicts(await modelled('redis.yaml', overlay))).toEqual(['platform-redis-master:6379=plaintext']);
  });
});
