import { isRecord, type Json } from '../../model/access.js';
import { addMount, addVolume, containersOf, kindOf, mapAt, nameOf, podTemplateOf, setEnv, valueAt, type EditableObject } from './objects.js';

// What the Bitnami PostgreSQL chart (17.x) does with `tls.*` and `primary.pgHbaConfiguration`,
// limited to what the PostgreSQL profile reads: the TLS env of the postgresql container, the
// certificate volumes, and a ConfigMap with pg_hba.conf mounted into the pod. The chart's
// copy-certs init container and the probe changes are left out.

const CERTS_DIR = '/opt/bitnami/postgresql/certs';

/** Applies a Bitnami PostgreSQL values overlay to the rendered objects of its release; returns objects it adds. */
export function applyPostgresOverlay(objects: EditableObject[], values: Json, namespace: string): EditableObject[] {
  const added: EditableObject[] = [];
  const tls = valueAt(values, ['tls']);
  const hba = valueAt(values, ['primary', 'pgHbaConfiguration']);
  for (const object of objects) {
    if (kindOf(object) !== 'StatefulSet') continue;
    const template = podTemplateOf(object);
    if (!template) continue;
    const container = containersOf(template).find((entry) => entry.name === 'postgresql');
    if (!container) continue;

    if (isRecord(tls) && tls.enabled === true && typeof tls.certificatesSecret === 'string') {
      setEnv(container, 'POSTGRESQL_ENABLE_TLS', 'yes');
      setEnv(container, 'POSTGRESQL_TLS_PREFER_SERVER_CIPHERS', 'yes');
      setEnv(container, 'POSTGRESQL_TLS_CERT_FILE', `${CERTS_DIR}/${String(tls.certFilename ?? 'tls.crt')}`);
      setEnv(container, 'POSTGRESQL_TLS_KEY_FILE', `${CERTS_DIR}/${String(tls.certKeyFilename ?? 'tls.key')}`);
      if (typeof tls.certCAFilename === 'string' && tls.certCAFilename !== '') setEnv(container, 'POSTGRESQL_TLS_CA_FILE', `${CERTS_DIR}/${tls.certCAFilename}`);
      addVolume(template, { name: 'raw-certificates', secret: { secretName: tls.certificatesSecret } });
      addVolume(template, { name: 'postgresql-certificates', emptyDir: {} });
      addMount(container, { name: 'postgresql-certificates', mountPath: CERTS_DIR, readOnly: true });
    }

    if (typeof hba === 'string' && hba.trim() !== '') {
      // The chart renders primary.configuration and primary.pgHbaConfiguration into <primary>-configuration.
      const name = `${nameOf(object)}-configuration`;
      added.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace, labels: { ...mapAt(object, ['metadata', 'labels']) } },
        data: { 'pg_hba.conf': hba },
      });
      addVolume(template, { name: 'postgresql-config', configMap: { name } });
      addMount(container, { name: 'postgresql-config', mountPath: '/bitnami/postgresql/conf' });
    }
  }
  return added;
}
