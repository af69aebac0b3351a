import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../../src/audit.js';
import { auditFiles, CORPUS, type AuditFilesOptions } from '../../support/audit.js';

async function auditYaml(yaml: string, options: AuditFilesOptions = {}): Promise<AuditResult> {
  return auditFiles(['-'], { readStdin: async () => yaml, ...options });
}

function findingsOf(result: AuditResult, checkId: string) {
  return result.findings.filter((finding) => finding.checkId === checkId);
}

const POD = (images: Record<string, string>, group = 'containers') => `apiVersion: v1
kind: Pod
metadata: {name: app, namespace: howso}
spec:
  ${group}:
${Object.entries(images)
  .map(([name, image]) => `    - name: ${name}\n      image: "${image}"`)
  .join('\n')}
`;

describe('images/mutable-tag', () => {
  it('names container, workload and image', async () => {
    const result = await auditYaml(POD({ web: 'nginx' }));
    const [finding] = findingsOf(result, 'images/mutable-tag');
    expect(finding.messageId).toBe('noTag');
    expect(finding.data).toEqual({ container: 'container web', workload: 'Pod howso/app', image: 'nginx' });
    expect(finding.path).toBe('spec.containers[0].image');
    expect(finding.line).toBe(7);
  });

  it('labels init containers', async () => {
    const result = await auditYaml(POD({ setup: 'busybox:latest' }, 'initContainers'));
    const [finding] = findingsOf(result, 'images/mutable-tag');
    expect(finding.messageId).toBe('latest');
    expect(finding.data.container).toBe('init container setup');
  });

  it('reports an invalid reference once', async () => {
    const result = await auditYaml(POD({ app: 'Platform/App:1.0' }));
    expect(findingsOf(result, 'images/mutable-tag').map((finding) => finding.messageId)).toEqual(['invalid']);
    expect(findingsOf(result, 'images/not-pinned-by-digest')).toEqual([]);
  });

  it('accepts latest pinned by digest', async () => {
    const result = await auditYaml(POD({ app: `nginx:latest@sha256:${'ab'.repeat(32)}` }));
    expect(findingsOf(result, 'images/mutable-tag')).toEqual([]);
    expect(findingsOf(result, 'images/not-pinned-by-digest')).toEqual([]);
  });
});

describe('images/registry-not-allowed', () => {
  it('shows the resolved Docker Hub name', async () => {
    const result = await auditYaml(POD({ web: 'nginx:1.27.3' }), { checkOptions: { allowedRegistries: ['registry.example.com', ' quay.io '] } });
    const [finding] = findingsOf(result, 'images/registry-not-allowed');
    expect(finding.messageId).toBe('container');
    expect(finding.data.resolved).toBe('docker.io/library/nginx:1.27.3');
    expect(finding.data.allowed).toBe('registry.example.com, quay.io');
  });

  it('skips without allowed list', async () => {
    const result = await auditYaml(POD({ web: 'nginx:1.27.3' }));
    expect(findingsOf(result, 'images/registry-not-allowed')).toEqual([]);
  });

  it('reads the platform registry values', async () => {
    const values = 'images:\n  registry: "proxy.replicated.com "\n  registryNamespace: proxy/howso-platform/dp\nimageLoader:\n  pauseImage: registry-localhost:5000/pause:3.9\n';
    const result = await auditYaml(values, { checkOptions: { allowedRegistries: ['proxy.replicated.com/proxy/howso-platform'] } });
    const findings = findingsOf(result, 'images/registry-not-allowed');
    expect(findings.map((finding) => finding.data.key)).toEqual(['imageLoader.pauseImage']);
    expect(findings[0].data.location).toBe('registry-localhost:5000/pause:3.9');
    expect(findings[0].path).toBe('imageLoader.pauseImage');
  });

  it('matches registry namespace as prefix', async () => {
    const values = 'images:\n  registry: proxy.replicated.com\n  registryNamespace: proxy/other\n';
    const result = await auditYaml(values, { checkOptions: { allowedRegistries: ['proxy.replicated.com/proxy/howso-platform'] } });
    const findings = findingsOf(result, 'images/registry-not-allowed');
    expect(findings.map((finding) => finding.data.location)).toEqual(['proxy.replicated.com/proxy/other']);
    expect(findings[0].path).toBe('images.registry');
  });
});

// What the image checks report on the rendered charts of the platform's backing services.
describe('images on the rendered corpus', () => {
  const rendered = path.join(CORPUS, 'realworld', 'rendered');

  const NATS_IMAGES = [
    'Deployment howso/platform-nats-box container nats-box natsio/nats-box:0.19.7',
    'StatefulSet howso/platform-nats container nats nats:2.14.2-alpine',
    'StatefulSet howso/platform-nats container reloader natsio/nats-server-config-reloader:0.23.0',
    'Pod howso/platform-nats-test-request-reply container nats-box natsio/nats-box:0.19.7',
  ];
  const expected: Record<string, { unpinned: string[]; notAllowed: number }> = {
    'minio-community.yaml': {
      unpinned: ['Deployment howso/platform-minio container minio quay.io/minio/minio:RELEASE.2024-12-18T13-15-44Z', 'Job howso/platform-minio-post-job container minio-make-user quay.io/minio/mc:RELEASE.2024-11-21T17-21-54Z'],
      notAllowed: 0,
    },
    'nats.yaml': { unpinned: NATS_IMAGES, notAllowed: 4 },
    'nats-linkerd.yaml': { unpinned: NATS_IMAGES, notAllowed: 4 },
    'nats-tls.yaml': { unpinned: NATS_IMAGES, notAllowed: 4 },
    'postgres.yaml': { unpinned: ['StatefulSet howso/platform-postgres-postgresql container postgresql docker.io/bitnami/postgresql:17.6.0-debian-12-r4'], notAllowed: 0 },
    'postgres-tls.yaml': {
      unpinned: [
        'StatefulSet howso/platform-postgres-postgresql init container copy-certs docker.io/bitnami/os-shell:12-debian-12-r51',
        'StatefulSet howso/platform-postgres-postgresql container postgresql docker.io/bitnami/postgresql:17.6.0-debian-12-r4',
      ],
      notAllowed: 0,
    },
    'redis.yaml': {
      unpinned: ['StatefulSet howso/platform-redis-master container redis docker.io/bitnami/redis:8.2.1-debian-12-r0', 'StatefulSet howso/platform-redis-replicas container redis docker.io/bitnami/redis:8.2.1-debian-12-r0'],
      notAllowed: 0,
    },
  };

  for (const [file, expectation] of Object.entries(expected)) {
    it(`pins findings for ${file}`, async () => {
      const result = await auditFiles([path.join(rendered, file)], { namespace: 'howso', checkOptions: { allowedRegistries: ['docker.io/bitnami', 'quay.io/minio'] } });
      expect(findingsOf(result, 'images/mutable-tag')).toEqual([]);

      const unpinned = findingsOf(result, 'images/not-pinned-by-digest').map((finding) => `${finding.data.workload} ${finding.data.container} ${finding.data.image}`);
      expect(unpinned.sort()).toEqual([...expectation.unpinned].sort());

      const notAllowed = findingsOf(result, 'images/registry-not-allowed');
      expect(notAllowed.length).toBe(expectation.notAllowed);
      for (const finding of notAllowed) expect(String(finding.data.resolved)).toMatch(/^docker\.io\/(natsio|library)\//);
    });
  }
});

describe('images checks on malformed objects', () => {
  it('run without failing', async () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: odd, namespace: howso}
spec:
  template:
    spec:
      containers: [null, {name: 3, image: 5}, {name: d, image: "  "}]
      initContainers: {name: x}
---
images: {registry: 5, registryNamespace: [x]}
imageLoader: {pauseImage: {x: 1}}
`;
    const result = await auditFiles(['-'], { readStdin: async () => yaml, checkOptions: { allowedRegistries: ['registry.example.com'] } });
    const outcomes = result.outcomes.filter((outcome) => outcome.id.startsWith('images/'));
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) expect(outcome, outcome.id).toMatchObject({ status: 'ran' });
  });
});
