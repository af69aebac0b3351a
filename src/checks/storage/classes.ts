import { at, isRecord, record, text } from '../../model/access.js';
import type { Inventory, VolumeClaim } from '../../model/inventory.js';
import { describeRef, type PathSegment, type Resource } from '../../model/resource.js';
import type { Severity } from '../types.js';

/** Encryption setting that a StorageClass of a known provisioner lacks. */
export interface EncryptionGap {
  messageId: 'ebsUnencrypted' | 'gcePlatformKey' | 'azurePlatformKey';
  severity: Severity;
  /** Parameter that is missing or wrong, for the finding's path. */
  parameter: string;
  /** Protection the class lacks, named in messages about its claims: "encryption", "a customer-managed key". */
  missing: string;
  data: Record<string, string>;
  fix: string;
}

const AWS_EBS = new Set(['ebs.csi.aws.com', 'kubernetes.io/aws-ebs']);
const GCE_PD = new Set(['pd.csi.storage.gke.io', 'kubernetes.io/gce-pd']);
const AZURE_DISK = new Set(['disk.csi.azure.com', 'kubernetes.io/azure-disk']);

/**
 * Judges a StorageClass by its provisioner's encryption parameter, and returns undefined when
 * it encrypts. All three drivers lower-case parameter names before comparing them (the EBS
 * driver documents it, and the GCE PD and Azure Disk parameter parsers do it), so lookups ignore case.
 */
export function encryptionGap(storageClass: Resource): EncryptionGap | undefined {
  const provisioner = text(storageClass.body.provisioner) ?? '';
  const parameters = lowerCaseKeys(record(storageClass.body.parameters));
  const base = { name: storageClass.name, provisioner };

  if (AWS_EBS.has(provisioner)) {
    // The driver encrypts only for the exact string "true" (older releases compare with ==).
    const value = parameters.get('encrypted');
    if (value === 'true' || value === true) return undefined;
    return {
      messageId: 'ebsUnencrypted',
      severity: 'medium',
      parameter: 'encrypted',
      missing: 'encryption',
      data: { ...base, value: value === undefined ? 'not set' : JSON.stringify(value) },
      fix: `Set parameters.encrypted: "true" on StorageClass ${storageClass.name} (and kmsKeyId for a customer-managed key), or turn on EBS encryption by default for the account and region.`,
    };
  }
  if (GCE_PD.has(provisioner)) {
    if (nonEmpty(parameters.get('disk-encryption-kms-key'))) return undefined;
    return {
      messageId: 'gcePlatformKey',
      severity: 'low',
      parameter: 'disk-encryption-kms-key',
      missing: 'a customer-managed key',
      data: base,
      fix: `Set parameters.disk-encryption-kms-key on StorageClass ${storageClass.name} to a Cloud KMS key (projects/…/locations/…/keyRings/…/cryptoKeys/…) if policy requires customer-managed keys.`,
    };
  }
  if (AZURE_DISK.has(provisioner)) {
    if (nonEmpty(parameters.get('diskencryptionsetid'))) return undefined;
    return {
      messageId: 'azurePlatformKey',
      severity: 'low',
      parameter: 'diskEncryptionSetID',
      missing: 'a customer-managed key',
      data: base,
      fix: `Set parameters.diskEncryptionSetID on StorageClass ${storageClass.name} to a disk encryption set (with diskEncryptionType if both key types are wanted) if policy requires customer-managed keys.`,
    };
  }
  return undefined;
}

function lowerCaseKeys(parameters: Record<string, unknown>): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const [key, value] of Object.entries(parameters)) map.set(key.toLowerCase(), value);
  return map;
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** Path of a parameter in a StorageClass, or of `parameters` (or nothing) when it is absent. */
export function parameterPath(storageClass: Resource, parameter: string): PathSegment[] {
  const parameters = storageClass.body.parameters;
  if (!isRecord(parameters)) return [];
  const key = Object.keys(parameters).find((name) => name.toLowerCase() === parameter.toLowerCase());
  return key === undefined ? ['parameters'] : ['parameters', key];
}

export function storageClasses(inventory: Inventory): readonly Resource[] {
  return inventory.ofKind('StorageClass', 'storage.k8s.io');
}

/**
 * Finds the StorageClass that a claim without storageClassName gets: the input's one default
 * class. Returns undefined when the input has none or several, because with several the API
 * server picks the most recently created, which static input does not show.
 */
export function defaultStorageClass(inventory: Inventory): Resource | undefined {
  const defaults = storageClasses(inventory).filter(isDefaultClass);
  return defaults.length === 1 ? defaults[0] : undefined;
}

export function isDefaultClass(storageClass: Resource): boolean {
  const annotations = storageClass.annotations;
  return annotations['storageclass.kubernetes.io/is-default-class'] === 'true' || annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

/** `PersistentVolumeClaim howso/data` or `volume claim template data of StatefulSet howso/db`. */
export function describeClaim(claim: VolumeClaim): string {
  return claim.fromTemplate ? `volume claim template ${claim.name} of ${describeRef(claim.resource)}` : describeRef(claim.resource);
}

/** Path to the claim's storageClassName, or to its spec when the field is absent. */
export function storageClassNamePath(claim: VolumeClaim): PathSegment[] {
  return 'storageClassName' in record(at(claim.resource.body, ...claim.path)) ? [...claim.path, 'storageClassName'] : claim.path;
}
