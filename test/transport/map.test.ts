import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptionMap, type FlowEncryption } from '../../src/transport/encryption.js';
import { auditFiles, CORPUS, ROOT } from '../support/audit.js';
import { bitnamiPostgresWithTls, postgresClient } from '../support/manifests.js';

const example = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');
const basicValues = path.join(ROOT, 'examples', 'values', 'basic.yaml');
const rendered = path.join(CORPUS, 'realworld', 'rendered');

function write(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-map-')), 'input.yaml');
  writeFileSync(file, text);
  return file;
}

async function mapOf(text: string): Promise<FlowEncryption[]> {
  const result = await auditFiles([write(text)], { namespace: 'howso' });
  return encryptionMap(result.inventory);
}

/** Finds the one flow from the named client to the named server port. */
function flowOf(map: FlowEncryption[], client: string, server: string, port: number): FlowEncryption {
  const matches = map.filter((entry) => entry.flow.source.type === 'workload' && entry.flow.source.workload.name === client && (entry.flow.destination?.name ?? entry.flow.target.service) === server && entry.flow.port === port);
  expect(matches).toHaveLength(1);
  return matches[0];
}

function namespace(name: string, annotations = '{}', labels = '{}'): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, annotations: ${annotations}, labels: ${labels}}\n---\n`;
}

/** Builds a Deployment whose env TARGET_URL names `target`. */
function client(name: string, ns: string, target: string, podMetadata = '{}', env = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: ${podMetadata === '{}' ? `{labels: {app: ${name}}}` : podMetadata}
    spec:
      containers:
      - name: app
        image: example.com/${name}:1.0
        env:
        - {name: TARGET_URL, value: "${target}"}
${env}---
`;
}

/** Builds a plain HTTP server and a Service of the same name. */
function server(name: string, ns: string, podMetadata = `{labels: {app: ${name}}}`): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: ${podMetadata}
    spec:
      containers:
      - name: app
        image: example.com/${name}:1.0
        ports: [{containerPort: 8080}]
---
`;
}

describe('encryption map before hardening', () => {
  it('example install: datastore flows are plaintext', async () => {
    const result = await auditFiles([example], { valuesFiles: [basicValues], namespace: 'howso' });
    const map = encryptionMap(result.inventory);
    const datastores = map.filter((entry) => entry.flow.target.chart);
    const services = new Set(datastores.map((entry) => entry.flow.target.service));
    expect([...services].sort()).toEqual(['platform-minio', 'platform-nats', 'platform-postgres-postgresql', 'platform-redis-master']);
    for (const entry of datastores) expect(entry.verdict).toBe('plaintext');
  });

  describe('realworld renders', () => {
    const plaintext: [string, string, number][] = [
      ['nats.yaml', 'platform-nats', 4222],
      ['nats-linkerd.yaml', 'platform-nats', 4222],
      ['postgres.yaml', 'platform-postgres-postgresql', 5432],
      ['redis.yaml', 'platform-redis-master', 6379],
      ['minio-community.yaml', 'platform-minio', 9000],
    ];
    for (const [file, workload, port] of plaintext) {
      it(`${file} flow is plaintext`, async () => {
        const result = await auditFiles([path.join(rendered, file)], { namespace: 'howso' });
        const flows = encryptionMap(result.inventory).filter((entry) => entry.flow.destination?.name === workload && entry.flow.port === port);
        expect(flows.length).toBeGreaterThan(0);
        for (const entry of flows) expect(entry.verdict).toBe('plaintext');
      });
    }

    it('nats-tls.yaml flow is TLS', async () => {
      const result = await auditFiles([path.join(rendered, 'nats-tls.yaml')], { namespace: 'howso' });
      const flows = encryptionMap(result.inventory).filter((entry) => entry.flow.port === 4222);
      expect(flows.map((entry) => entry.verdict)).toEqual(['tls']);
      expect(flows[0].serverVerified).toBeUndefined();
    });

    it('postgres-tls.yaml flow is TLS optional', async () => {
      const result = await auditFiles([path.join(rendered, 'postgres-tls.yaml')], { namespace: 'howso' });
      const flows = encryptionMap(result.inventory);
      expect(flows.map((entry) => entry.verdict)).toEqual(['tls-optional']);
      expect(flows[0].evidence.join('\n')).toContain('host lines');
    });
  });
});

describe('mesh membership', () => {
  it('meshed client to unmeshed server is not encrypted', async () => {
    const map = await mapOf(namespace('apps', '{linkerd.io/inject: enabled}') + namespace('howso') + client('api', 'apps', 'http://web.howso:8080') + server('web', 'howso'));
    const entry = flowOf(map, 'api', 'web', 8080);
    expect(entry.verdict).toBe('plaintext');
    expect(entry.client.mesh).toBe('linkerd');
    expect(entry.server.mesh).toBeUndefined();
    expect(entry.evidence.join('\n')).toContain('the client is meshed by Linkerd but the server is not');
  });

  it('Linkerd pod opting out of injected namespace', async () => {
    const map = await mapOf(namespace('howso', '{linkerd.io/inject: enabled}') + client('api', 'howso', 'http://web:8080', '{labels: {app: api}, annotations: {linkerd.io/inject: disabled}}') + server('web', 'howso'));
    const entry = flowOf(map, 'api', 'web', 8080);
    expect(entry.verdict).toBe('plaintext');
    expect(entry.client.evidence).toBe('pod template sets linkerd.io/inject: disabled');
    expect(entry.client.setBy).toBe('pod-template');
    expect(entry.evidence.join('\n')).toContain('the server is meshed by Linkerd but the client is not');
  });

  it('Linkerd namespace meshes both ends', async () => {
    const map = await mapOf(namespace('howso', '{linkerd.io/inject: enabled}') + client('api', 'howso', 'http://web:8080') + server('web', 'howso'));
    expect(flowOf(map, 'api', 'web', 8080).verdict).toBe('mesh-mtls');
  });

  it('Linkerd skip port on namespace', async () => {
    const map = await mapOf(namespace('howso', '{linkerd.io/inject: enabled, config.linkerd.io/skip-inbound-ports: "8080"}') + client('api', 'howso', 'http://web:8080') + server('web', 'howso'));
    const entry = flowOf(map, 'api', 'web', 8080);
    expect(entry.verdict).toBe('plaintext');
    expect(entry.evidence.join('\n')).toContain("its namespace's config.linkerd.io/skip-inbound-ports");
  });

  it('Istio sidecar injection by namespace label', async () => {
    const map = await mapOf(namespace('howso', '{}', '{istio-injection: enabled}') + client('api', 'howso', 'http://web:8080') + server('web', 'howso'));
    const entry = flowOf(map, 'api', 'web', 8080);
    expect(entry.verdict).toBe('mesh-mtls');
    expect(entry.client.mesh).toBe('istio');
  });

  it('Istio revision label injects', async () => {
    const map = await mapOf(namespace('howso', '{}', '{istio.io/rev: stable}') + client('api', 'howso', 'http://web:8080') + server('web', 'howso'));
    expect(flowOf(map, 'api', 'web', 8080).server.evidence).toBe('namespace howso has istio.io/rev: stable');
  });

  it('Istio pod label opts out', async () => {
    const map = await mapOf(namespace('howso', '{}', '{istio-injection: enabled}') + client('api', 'howso', 'http://web:8080', '{labels: {app: api, sidecar.istio.io/inject: "false"}}') + server('web', 'howso'));
    const entry = flowOf(map, 'api', 'web', 8080);
    expect(entry.verdict).toBe('plaintext');
    expect(entry.client.mesh).toBeUndefined();
  });

  it('Istio pod label true injects', async () => {
    const map = await mapOf(namespace('howso', '{}', '{istio-injection: enabled}') + client('api', 'howso', 'http://web:8080', '{labels: {app: api, sidecar.istio.io/inject: "true"}}') + server('web', 'howso'));
    expect(flowOf(map, 'api', 'web', 8080).client.mesh).toBe('istio');
  });

  it('namespace istio-injection disabled wins', async () => {
    const map = await mapOf(namespace('howso', '{}', '{istio-injection: disabled}') + client('api', 'howso', 'http://web:8080', '{labels: {app: api, sidecar.istio.io/inject: "true"}}') + server('web', 'howso'));
    expect(flowOf(map, 'api', 'web', 8080).client.mesh).toBeUndefined();
  });

  it('Istio ambient and sidecar exchange mTLS', async () => {
    const map = await mapOf(
      namespace('ambient', '{}', '{istio.io/dataplane-mode: ambient}') + namespace('howso', '{}', '{istio-injection: enabled}') + client('api', 'ambient', 'http://web.howso:8080') + server('web', 'howso'),
    );
    const entry = flowOf(map, 'api', 'web', 8080);
    expect(entry.client.mesh).toBe('istio-ambient');
    expect(entry.server.mesh).toBe('istio');
    expect(entry.verdict).toBe('mesh-mtls');
  });

  it('ambient pod label none opts out', async () => {
    const map = await mapOf(namespace('howso', '{}', '{istio.io/dataplane-mode: ambient}') + client('api', 'howso', 'http://web:8080', '{labels: {app: api, istio.io/dataplane-mode: none}}') + server('web', 'howso'));
    expect(flowOf(map, 'api', 'web', 8080).verdict).toBe('plaintext');
  });

  it('Linkerd client to Istio server is not mesh mTLS', async () => {
    const map = await mapOf(namespace('apps', '{linkerd.io/inject: enabled}') + namespace('howso', '{}', '{istio-injection: enabled}') + client('api', 'apps', 'http://web.howso:8080') + server('web', 'howso'));
    const entry = flowOf(map, 'api', 'web', 8080);
    expect(entry.verdict).toBe('plaintext');
    expect(entry.evidence.join('\n')).toContain('the client is in Linkerd and the server in Istio (sidecar), which do not exchange mTLS');
  });
});

/** Builds the PostgreSQL client `api` with PGHOST set and the given libpq env. */
function postgresClientWithHost(env: Record<string, string>): string {
  return postgresClient({ PGHOST: 'platform-postgres-postgresql', ...env });
}

describe('server TLS and client verification', () => {
  const HOSTSSL = 'local all all trust\nhostssl all all 0.0.0.0/0 scram-sha-256';
  const HOST = 'hostssl all all 0.0.0.0/0 scram-sha-256\nhost all all 0.0.0.0/0 scram-sha-256';

  it('PostgreSQL hostssl only, sslmode require: TLS, not verified', async () => {
    const map = await mapOf(bitnamiPostgresWithTls(HOSTSSL) + postgresClientWithHost({ PGSSLMODE: 'require' }));
    const entry = flowOf(map, 'api', 'platform-postgres-postgresql', 5432);
    expect(entry.verdict).toBe('tls');
    expect(entry.serverVerified).toBe(false);
    expect(entry.evidence.join('\n')).toContain('TLS, not verified: the client uses sslmode require');
  });

  it('PostgreSQL verify-full names the CA Secret', async () => {
    const map = await mapOf(bitnamiPostgresWithTls(HOSTSSL) + postgresClientWithHost({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/pg-ca/ca.crt' }));
    const entry = flowOf(map, 'api', 'platform-postgres-postgresql', 5432);
    expect(entry.verdict).toBe('tls');
    expect(entry.serverVerified).toBe(true);
    expect(entry.evidence.join('\n')).toContain('the CA in /etc/pg-ca/ca.crt (Secret postgres-ca)');
  });

  it('PostgreSQL host lines with a prefer client: TLS optional', async () => {
    const map = await mapOf(bitnamiPostgresWithTls(HOST) + postgresClientWithHost({ PGSSLMODE: 'prefer' }));
    expect(flowOf(map, 'api', 'platform-postgres-postgresql', 5432).verdict).toBe('tls-optional');
  });

  it('PostgreSQL host lines with a require client: TLS', async () => {
    const map = await mapOf(bitnamiPostgresWithTls(HOST) + postgresClientWithHost({ PGSSLMODE: 'require' }));
    const entry = flowOf(map, 'api', 'platform-postgres-postgresql', 5432);
    expect(entry.verdict).toBe('tls');
    expect(entry.evidence.join('\n')).toContain('does not fall back to plaintext');
  });

  /** Builds a Bitnami Redis master with TLS on, the start script `script` and the extra env entries `env`. */
  function redis(script: string, env: string): string {
    return `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: platform-redis-master, namespace: howso}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: redis}}
  template:
    metadata: {labels: {app.kubernetes.io/name: redis}}
    spec:
      containers:
      - name: redis
        image: docker.io/bitnami/redis:8.2.1
        ports: [{name: redis, containerPort: 6379}]
        env:
        - {name: REDIS_TLS_ENABLED, value: "yes"}
${env}
        volumeMounts: [{name: scripts, mountPath: /opt/bitnami/scripts/start-scripts}]
      volumes: [{name: scripts, configMap: {name: redis-scripts}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: redis-scripts, namespace: howso}
data:
  start-master.sh: |
    ${script}
    exec redis-server "\${ARGS[@]}"
`;
  }

  it('Redis TLS with --port 0 is TLS', async () => {
    const map = await mapOf(redis('ARGS=("--port" "0")', '        - {name: REDIS_TLS_PORT, value: "6379"}'));
    const entry = map.find((item) => item.flow.destination?.name === 'platform-redis-master');
    expect(entry?.verdict).toBe('tls');
    expect(entry?.tls?.evidence.join('\n')).toContain('--port 0');
  });

  it('Redis TLS next to a plaintext port is TLS optional', async () => {
    const map = await mapOf(redis('ARGS=("--port" "${REDIS_PORT}")', '        - {name: REDIS_TLS_PORT, value: "6380"}\n        - {name: REDIS_PORT, value: "6379"}'));
    const entry = map.find((item) => item.flow.destination?.name === 'platform-redis-master');
    expect(entry?.verdict).toBe('tls-optional');
    expect(entry?.tls?.evidence.join('\n')).toContain('REDIS_PORT=6379 keeps a plaintext port open');
  });

  /** Builds a MinIO Deployment started with `command`, with the Secret minio-tls mounted at `mountPath`. */
  function minio(command: string, mountPath: string): string {
    return `apiVersion: apps/v1
kind: Deployment
metadata: {name: platform-minio, namespace: howso}
spec:
  selector: {matchLabels: {app: minio}}
  template:
    metadata: {labels: {app: minio}}
    spec:
      containers:
      - name: minio
        image: quay.io/minio/minio:RELEASE.2024-12-18T13-15-44Z
        command: ["/bin/sh", "-ce", "${command}"]
        ports: [{name: http, containerPort: 9000}]
        volumeMounts: [{name: certs, mountPath: ${mountPath}}]
      volumes:
      - name: certs
        secret:
          secretName: minio-tls
          items: [{key: tls.crt, path: public.crt}, {key: tls.key, path: private.key}]
`;
  }

  it('MinIO certificate in the certs folder is TLS', async () => {
    const map = await mapOf(minio('minio server /export -S /etc/minio/certs/', '/etc/minio/certs'));
    expect(map.find((item) => item.flow.port === 9000)?.verdict).toBe('tls');
  });

  it('MinIO CAs folder alone is plaintext', async () => {
    const map = await mapOf(minio('minio server /export -S /etc/minio/certs/', '/etc/minio/certs/CAs'));
    expect(map.find((item) => item.flow.port === 9000)?.verdict).toBe('plaintext');
  });

  it('MinIO reads --certs-dir', async () => {
    const tls = await mapOf(minio('minio server /export --certs-dir=/tls', '/tls'));
    expect(tls.find((item) => item.flow.port === 9000)?.verdict).toBe('tls');
    const elsewhere = await mapOf(minio('minio server /export --certs-dir=/tls', '/etc/minio/certs'));
    expect(elsewhere.find((item) => item.flow.port === 9000)?.verdict).toBe('plaintext');
  });
});
