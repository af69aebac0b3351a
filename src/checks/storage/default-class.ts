import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { defaultStorageClass, describeClaim, storageClassNamePath } from './classes.js';

type MessageId = 'defaultClass' | 'staticBinding';

export default defineCheck({
  id: 'storage/default-class',
  severity: 'low',
  side: 'shared',
  description: 'Every PersistentVolumeClaim and StatefulSet volume claim template names its StorageClass, or the input includes the default class it falls back to.',
  rationale:
    'A claim without storageClassName gets whatever class the cluster marks as default, so whether the data is encrypted at rest depends on a setting the chart cannot see. Naming the class, or auditing the default class with the chart, makes the encryption of the volume known.',
  remediation: 'Set the chart\'s persistence storageClass value (for Bitnami charts primary.persistence.storageClass or global.defaultStorageClass) to a class that encrypts, or include the cluster\'s default StorageClass in the audit input.',
  messages: {
    defaultClass: 'The {{claim}} sets no storageClassName, so it gets the cluster\'s default StorageClass, whose encryption the input does not show.',
    staticBinding: 'The {{claim}} sets storageClassName to "", so it binds only to a pre-created PersistentVolume without a class, and the encryption of that volume is outside the input.',
  },
  limitations: [
    'When the input contains exactly one default StorageClass, claims without a class are judged against it by storage/unencrypted-class instead.',
    'A claim bound to a PersistentVolume named in spec.volumeName is judged by its storageClassName like any other.',
  ],
  run(inventory) {
    const knownDefault = defaultStorageClass(inventory);
    const findings: FindingDraft<MessageId>[] = [];
    for (const claim of inventory.volumeClaims) {
      const data = { claim: describeClaim(claim) };
      if (claim.storageClassName === '') {
        findings.push({ messageId: 'staticBinding', severity: 'info', data, resource: claim.resource, path: storageClassNamePath(claim) });
      } else if (claim.storageClassName === undefined && !knownDefault) {
        findings.push({ messageId: 'defaultClass', data, resource: claim.resource, path: storageClassNamePath(claim) });
      }
    }
    return findings;
  },
});
