import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptionMap } from '../../src/transport/encryption.js';
import { auditFiles, ROOT } from '../support/audit.js';

const fixtures = path.join(ROOT, 'test', 'checks', 'transport');
const example = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');

async function findings(file: string, checkId: string) {
  const result = await auditFiles([path.join(fixtures, file)], { namespace: 'howso' });
  return result.findings.filter((finding) => finding.checkId === checkId);
}

describe('mesh pitfall checks', () => {
  it('Job in meshed namespace', async () => {
    const found = await findings('job-native-sidecar/fail-cronjob-in-meshed-namespace.yaml', 'transport/job-native-sidecar');
    expect(found).toHaveLength(1);
    expect(found[0].messageId).toBe('job');
    expect(found[0].data.workload).toBe('CronJob howso/platform-cert-generation');
    expect(found[0].data.mesh).toBe('namespace howso has linkerd.io/inject: enabled');
    expect(found[0].path).toBe('spec.jobTemplate.spec.template.metadata.annotations');
  });

  it('bare test Pod in meshed namespace', async () => {
    const found = await findings('job-native-sidecar/fail-bare-test-pod.yaml', 'transport/job-native-sidecar');
    expect(found.map((finding) => finding.messageId)).toEqual(['pod']);
    expect(found[0].data).toEqual({ workload: 'howso/platform-nats-test-request-reply', restartPolicy: 'Never', mesh: 'namespace howso has linkerd.io/inject: enabled' });
    expect(found[0].path).toBe('metadata.annotations');
  });

  it('opaque annotation on pods only', async () => {
    const found = await findings('nats-opaque-ports/fail-pods-only.yaml', 'transport/nats-opaque-ports');
    expect(found.map((finding) => finding.messageId)).toEqual(['servicePodsOnly']);
    expect(found[0].data.service).toBe('howso/platform-nats');
    expect(found[0].resource).toMatchObject({ kind: 'Service', name: 'platform-nats' });
  });

  it('meshed client to unmeshed NATS', async () => {
    const found = await findings('nats-opaque-ports/fail-meshed-client-unmeshed-nats.yaml', 'transport/nats-opaque-ports');
    expect(found.map((finding) => finding.messageId)).toEqual(['service']);
    expect(found[0].data.port).toBe(4222);
  });

  it('clustered NATS misses 6222 on pods', async () => {
    const found = await findings('nats-opaque-ports/fail-cluster-port.yaml', 'transport/nats-opaque-ports');
    expect(found.map((finding) => [finding.messageId, finding.data.port])).toEqual([['pods', 6222]]);
  });

  it('opaque ports drop PostgreSQL default', async () => {
    const found = await findings('opaque-ports-replace-defaults/fail-postgres-annotated-for-nats.yaml', 'transport/opaque-ports-replace-defaults');
    expect(found).toHaveLength(1);
    expect(found[0].messageId).toBe('serves');
    expect(found[0].data).toMatchObject({ port: 5432, value: '4222', where: 'on the pod template' });
  });

  it('namespace opaque ports drop Redis default', async () => {
    const found = await findings('opaque-ports-replace-defaults/fail-namespace-annotation-drops-redis.yaml', 'transport/opaque-ports-replace-defaults');
    expect(found.map((finding) => finding.data.port)).toEqual([6379]);
    expect(found[0].data.where).toBe('inherited from namespace howso');
  });

  it('client to absent PostgreSQL', async () => {
    const found = await findings('opaque-ports-replace-defaults/fail-client-to-absent-postgres.yaml', 'transport/opaque-ports-replace-defaults');
    expect(found).toHaveLength(1);
    expect(found[0].messageId).toBe('calls');
    expect(found[0].data).toMatchObject({ workload: 'Deployment howso/platform-ums', service: 'platform-postgres-postgresql', port: 5432 });
  });
});

describe('audit reports unencrypted flows once', () => {
  it('one plaintext finding per flow', async () => {
    const result = await auditFiles([example], { namespace: 'howso' });
    const plaintext = encryptionMap(result.inventory, true).filter((entry) => entry.verdict === 'plaintext');
    const reported = result.findings.filter((finding) => finding.checkId === 'transport/plaintext-flow');
    expect(plaintext).toHaveLength(29);
    expect(reported).toHaveLength(plaintext.length);
    const keys = reported.map((finding) => `${finding.data.source} > ${finding.data.destination}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const finding of reported) {
      expect(String(finding.data.destination)).toMatch(/port \d+/);
      expect(finding.remediation).toContain('Annotate namespace howso with linkerd.io/inject: enabled');
    }
    expect(result.findings.filter((finding) => finding.checkId === 'transport/tls-optional-flow')).toEqual([]);
  });

  it('internal HTTP flow gets the podTLS fix', async () => {
    const result = await auditFiles([example], { namespace: 'howso' });
    const found = result.findings.filter((finding) => finding.checkId === 'transport/plaintext-flow' && finding.data.source === 'Deployment howso/platform-api-v3' && String(finding.data.destination).startsWith('Service howso/platform-ums port 8000'));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('high');
    expect(found[0].remediation).toContain('podTLS.enabled: true');
    expect(found[0].resource).toMatchObject({ kind: 'Deployment', name: 'platform-ums' });
  });

  it('ingress flow names the backend protocol', async () => {
    const result = await auditFiles([example], { namespace: 'howso' });
    const found = result.findings.filter((finding) => finding.checkId === 'transport/plaintext-flow' && finding.data.source === 'the ingress controller');
    expect(found.map((finding) => String(finding.data.destination).replace(/ \(.*$/, '')).sort()).toEqual([
      'Service howso/platform-api-v3 port 8080',
      'Service howso/platform-pypi port 8080',
      'Service howso/platform-ui-v2 port 8080',
      'Service howso/platform-ums port 8000',
    ]);
    const ums = found.find((finding) => String(finding.data.destination).includes('platform-ums'))!;
    expect(ums.remediation).toContain('mesh the ingress controller with Linkerd');
    expect(ums.remediation).toContain('backend-protocol: HTTPS in ums.ingress.annotations');
  });

  it('ingress flow to a meshed server is low', async () => {
    const result = await auditFiles([path.join(fixtures, 'plaintext-flow', 'fail-ingress-to-meshed-backend.yaml')], { namespace: 'howso' });
    const found = result.findings.filter((finding) => finding.checkId === 'transport/plaintext-flow');
    expect(found.map((finding) => [finding.messageId, finding.severity])).toEqual([['ingressController', 'low']]);
    expect(found[0].data).toEqual({ destination: 'Service howso/web port 8080 (http)', mesh: 'Linkerd' });
  });

  it('fix meshes only the unmeshed end', async () => {
    const result = await auditFiles([path.join(fixtures, 'plaintext-flow', 'fail-meshed-server-unmeshed-clients.yaml')], { namespace: 'howso' });
    const reported = result.findings.filter((finding) => finding.checkId === 'transport/plaintext-flow');
    expect(reported.length).toBeGreaterThan(0);
    for (const finding of reported) {
      expect(finding.remediation).toMatch(/^Annotate namespace howso with linkerd.io\/inject: enabled/);
      expect(finding.remediation).not.toContain('platform-nats (linkerd.io');
    }
  });
});
