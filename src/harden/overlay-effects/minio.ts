import { isRecord, type Json } from '../../model/access.js';
import { addMount, addVolume, containersOf, kindOf, podTemplateOf, valueAt, type EditableObject } from './objects.js';

// What the MinIO chart does with `tls.*`: it mounts tls.certSecret into certsPath
// (/etc/minio/certs by default), and MinIO then serves HTTPS on every port. That mount is what
// the MinIO profile reads.

/** Applies a MinIO values overlay to the rendered objects of its release. */
export function applyMinioOverlay(objects: EditableObject[], values: Json): void {
  const tls = valueAt(values, ['tls']);
  if (!isRecord(tls) || tls.enabled !== true || typeof tls.certSecret !== 'string') return;
  const certsPath = typeof values.certsPath === 'string' ? values.certsPath : '/etc/minio/certs/';
  for (const object of objects) {
    const kind = kindOf(object);
    if (kind !== 'Deployment' && kind !== 'StatefulSet') continue;
    const template = podTemplateOf(object);
    if (!template) continue;
    const container = containersOf(template).find((entry) => entry.name === 'minio');
    if (!container) continue;
    const items = [
      { key: String(tls.publicCrt ?? 'public.crt'), path: 'public.crt' },
      { key: String(tls.privateKey ?? 'private.key'), path: 'private.key' },
    ];
    addVolume(template, { name: 'cert-secret-volume', secret: { secretName: tls.certSecret, items } });
    addMount(container, { name: 'cert-secret-volume', mountPath: certsPath });
  }
}
