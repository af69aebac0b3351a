import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../../src/audit.js';
import { auditFiles } from '../../support/audit.js';

async function auditYaml(yaml: string): Promise<AuditResult> {
  return auditFiles(['-'], { readStdin: async () => yaml });
}

function findingsOf(result: AuditResult, checkId: string) {
  return result.findings.filter((finding) => finding.checkId === checkId);
}

function storageClass(name: string, provisioner: string, parameters: Record<string, string> = {}, isDefault = false): string {
  const annotations = isDefault ? '\n  annotations: {storageclass.kubernetes.io/is-default-class: "true"}' : '';
  return `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: ${name}${annotations}
provisioner: ${provisioner}
parameters: ${JSON.stringify(parameters)}
---
`;
}

function claim(name: string, className?: string): string {
  const classLine = className === undefined ? '' : `\n  storageClassName: ${JSON.stringify(className)}`;
  return `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}, namespace: howso}
spec:${classLine}
  accessModes: [ReadWriteOnce]
---
`;
}

const STATEFUL_SET = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: howso}
spec:
  template:
    spec:
      containers: [{name: db, image: "postgres:17"}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
`;

describe('storage/default-class', () => {
  it('names claim and spec path', async () => {
    const findings = findingsOf(await auditYaml(claim('minio') + STATEFUL_SET), 'storage/default-class');
    expect(findings.map((finding) => finding.data.claim)).toEqual(['PersistentVolumeClaim howso/minio', 'volume claim template data of StatefulSet howso/db']);
    expect(findings.map((finding) => finding.path)).toEqual(['spec', 'spec.volumeClaimTemplates[0].spec']);
    expect(findings.every((finding) => finding.messageId === 'defaultClass' && finding.severity === 'low')).toBe(true);
  });

  it('calls an empty class static binding', async () => {
    const [finding] = findingsOf(await auditYaml(claim('archive', '')), 'storage/default-class');
    expect(finding.messageId).toBe('staticBinding');
    expect(finding.severity).toBe('info');
    expect(finding.path).toBe('spec.storageClassName');
  });

  it('skips claims of input default class', async () => {
    const yaml = storageClass('gp3', 'ebs.csi.aws.com', { encrypted: 'true' }, true) + claim('minio');
    expect(findingsOf(await auditYaml(yaml), 'storage/default-class')).toEqual([]);
  });

  it('still reports with two default classes', async () => {
    const yaml = storageClass('a', 'ebs.csi.aws.com', { encrypted: 'true' }, true) + storageClass('b', 'ebs.csi.aws.com', { encrypted: 'true' }, true) + claim('minio');
    expect(findingsOf(await auditYaml(yaml), 'storage/default-class').map((finding) => finding.messageId)).toEqual(['defaultClass']);
  });
});

describe('storage/unencrypted-class', () => {
  const cases: { provisioner: string; parameters: Record<string, string>; messageId?: string; severity?: string; path?: string }[] = [
    { provisioner: 'ebs.csi.aws.com', parameters: {}, messageId: 'ebsUnencrypted', severity: 'medium', path: 'parameters' },
    { provisioner: 'ebs.csi.aws.com', parameters: { encrypted: 'false' }, messageId: 'ebsUnencrypted', severity: 'medium', path: 'parameters.encrypted' },
    // The driver encrypts only for the exact string "true".
    { provisioner: 'kubernetes.io/aws-ebs', parameters: { encrypted: 'yes' }, messageId: 'ebsUnencrypted', severity: 'medium', path: 'parameters.encrypted' },
    { provisioner: 'ebs.csi.aws.com', parameters: { ENCRYPTED: 'true' } },
    { provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-ssd' }, messageId: 'gcePlatformKey', severity: 'low', path: 'parameters' },
    { provisioner: 'kubernetes.io/gce-pd', parameters: { 'disk-encryption-kms-key': ' ' }, messageId: 'gcePlatformKey', severity: 'low', path: 'parameters.disk-encryption-kms-key' },
    { provisioner: 'pd.csi.storage.gke.io', parameters: { 'disk-encryption-kms-key': 'projects/p/locations/l/keyRings/r/cryptoKeys/k' } },
    { provisioner: 'disk.csi.azure.com', parameters: { diskEncryptionType: 'EncryptionAtRestWithCustomerKey' }, messageId: 'azurePlatformKey', severity: 'low', path: 'parameters' },
    { provisioner: 'kubernetes.io/azure-disk', parameters: { diskencryptionsetid: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/diskEncryptionSets/d' } },
    { provisioner: 'rancher.io/local-path', parameters: {} },
  ];
  for (const { provisioner, parameters, messageId, severity, path } of cases) {
    it(`${provisioner} ${JSON.stringify(parameters)}`, async () => {
      const findings = findingsOf(await auditYaml(storageClass('class', provisioner, parameters)), 'storage/unencrypted-class');
      if (messageId === undefined) {
        expect(findings).toEqual([]);
        return;
      }
      expect(findings.length).toBe(1);
      expect(findings[0].messageId).toBe(messageId);
      expect(findings[0].severity).toBe(severity);
      expect(findings[0].path).toBe(path);
      expect(findings[0].data.provisioner).toBe(provisioner);
    });
  }

  it('shows how encrypted is set', async () => {
    const [finding] = findingsOf(await auditYaml(storageClass('gp2', 'ebs.csi.aws.com', { encrypted: 'false' })), 'storage/unencrypted-class');
    expect(finding.data.value).toBe('"false"');
  });

  it('follows claims to the class', async () => {
    const yaml = storageClass('gp3', 'ebs.csi.aws.com', {}, true) + storageClass('standard', 'pd.csi.storage.gke.io') + claim('named', 'standard') + claim('defaulted') + STATEFUL_SET;
    const claims = findingsOf(await auditYaml(yaml), 'storage/unencrypted-class').filter((finding) => finding.resource?.kind !== 'StorageClass');
    const rows = claims.map((finding) => [finding.messageId, finding.data.claim, finding.data.className, finding.severity].join(' | '));
    expect(rows.sort()).toEqual([
      'claim | PersistentVolumeClaim howso/named | standard | low',
      'defaultClaim | PersistentVolumeClaim howso/defaulted | gp3 | medium',
      'defaultClaim | volume claim template data of StatefulSet howso/db | gp3 | medium',
    ]);
  });
});

describe('storage checks on malformed objects', () => {
  it('run without failing', async () => {
    const yaml = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: odd, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: [ebs.csi.aws.com]
parameters: [encrypted]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: odd2}
provisioner: ebs.csi.aws.com
parameters: {encrypted: {nested: true}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: odd, namespace: howso}
spec: "x"
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: odd, namespace: howso}
spec:
  volumeClaimTemplates: [null, {metadata: 3, spec: {storageClassName: 5}}]
`;
    const result = await auditFiles(['-'], { readStdin: async () => yaml, checkOptions: { allowedRegistries: ['registry.example.com'] } });
    const outcomes = result.outcomes.filter((outcome) => outcome.id.startsWith('storage/'));
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) expect(outcome, outcome.id).toMatchObject({ status: 'ran' });
  });
});
