import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { defaultStorageClass, describeClaim, encryptionGap, parameterPath, storageClassNamePath, storageClasses, type EncryptionGap } from './classes.js';

type MessageId = EncryptionGap['messageId'] | 'claim' | 'defaultClaim';

export default defineCheck({
  id: 'storage/unencrypted-class',
  severity: 'medium',
  side: 'operator',
  description: 'StorageClasses of the AWS EBS, GCE PD and Azure Disk provisioners set their encryption parameter, and no claim uses a class that does not.',
  rationale:
    'Database, queue and object-store volumes hold the platform\'s data. EBS volumes are not encrypted unless the class (or an account-wide default) asks for it. GCE PD and Azure disks are always encrypted at rest, but only with keys the cloud provider manages unless the class names a customer-managed key.',
  remediation: 'Set the provisioner\'s encryption parameter on the StorageClass (EBS encrypted: "true", GCE PD disk-encryption-kms-key, Azure Disk diskEncryptionSetID), then move the claims to that class.',
  messages: {
    ebsUnencrypted: 'StorageClass {{name}} ({{provisioner}}) makes unencrypted EBS volumes: parameters.encrypted is {{value}}.',
    gcePlatformKey: 'StorageClass {{name}} ({{provisioner}}) sets no disk-encryption-kms-key, so its disks are encrypted only with Google-managed keys.',
    azurePlatformKey: 'StorageClass {{name}} ({{provisioner}}) sets no diskEncryptionSetID, so its disks are encrypted only with platform-managed keys.',
    claim: 'The {{claim}} uses StorageClass {{className}}, which the input defines without {{missing}}.',
    defaultClaim: 'The {{claim}} sets no storageClassName and so gets the default StorageClass {{className}}, which the input defines without {{missing}}.',
  },
  limitations: [
    'Only classes in the input are judged, so the encryption of a class defined only in the cluster is unknown (see storage/default-class).',
    'EBS encryption by default, an account and region setting, encrypts volumes even when the class does not ask, and the input cannot show it.',
    'Other provisioners (Ceph, Longhorn, vSphere, local volumes, …) are not judged.',
  ],
  references: [
    'https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md',
    'https://github.com/kubernetes-sigs/azuredisk-csi-driver/blob/master/docs/driver-parameters.md',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    const gaps = new Map<string, EncryptionGap>();
    for (const storageClass of storageClasses(inventory)) {
      const gap = encryptionGap(storageClass);
      if (!gap) continue;
      gaps.set(storageClass.name, gap);
      findings.push({ messageId: gap.messageId, severity: gap.severity, data: gap.data, resource: storageClass, path: parameterPath(storageClass, gap.parameter), fix: gap.fix });
    }
    if (gaps.size === 0) return findings;

    const fallback = defaultStorageClass(inventory);
    for (const claim of inventory.volumeClaims) {
      const className = claim.storageClassName ?? fallback?.name;
      const gap = className === undefined ? undefined : gaps.get(className);
      if (!gap || className === undefined) continue;
      findings.push({
        messageId: claim.storageClassName === undefined ? 'defaultClaim' : 'claim',
        severity: gap.severity,
        data: { claim: describeClaim(claim), className, missing: gap.missing },
        resource: claim.resource,
        path: storageClassNamePath(claim),
      });
    }
    return findings;
  },
});
