import { isRecord, type Json } from '../../model/access.js';
import { addMount, addVolume, containersOf, kindOf, mapAt, podTemplateOf, setEnv, valueAt, type EditableObject } from './objects.js';

// What the Bitnami Redis chart does with `tls.*`, limited to what the Redis profile reads: the
// REDIS_TLS_* env of the redis containers, the certificate volume, and the start scripts. With
// TLS on, the scripts pass `--port 0`, which closes the plaintext port, and serve TLS on the Redis port.

const CERTS_DIR = '/opt/bitnami/redis/certs';

/** Applies a Bitnami Redis values overlay to the rendered objects of its release. */
export function applyRedisOverlay(objects: EditableObject[], values: Json): void {
  const tls = valueAt(values, ['tls']);
  if (!isRecord(tls) || tls.enabled !== true || typeof tls.existingSecret !== 'string') return;
  for (const object of objects) {
    if (kindOf(object) === 'ConfigMap') closePlainPort(mapAt(object, ['data']));
    if (kindOf(object) !== 'StatefulSet') continue;
    const template = podTemplateOf(object);
    if (!template) continue;
    const container = containersOf(template).find((entry) => entry.name === 'redis');
    if (!container) continue;
    setEnv(container, 'REDIS_TLS_ENABLED', 'yes');
    setEnv(container, 'REDIS_TLS_PORT', '6379');
    setEnv(container, 'REDIS_TLS_AUTH_CLIENTS', tls.authClients === false ? 'no' : 'yes');
    setEnv(container, 'REDIS_TLS_CERT_FILE', `${CERTS_DIR}/${String(tls.certFilename ?? 'tls.crt')}`);
    setEnv(container, 'REDIS_TLS_KEY_FILE', `${CERTS_DIR}/${String(tls.certKeyFilename ?? 'tls.key')}`);
    setEnv(container, 'REDIS_TLS_CA_FILE', `${CERTS_DIR}/${String(tls.certCAFilename ?? 'ca.crt')}`);
    addVolume(template, { name: 'redis-certificates', secret: { secretName: tls.existingSecret, defaultMode: 256 } });
    addMount(container, { name: 'redis-certificates', mountPath: CERTS_DIR, readOnly: true });
  }
}

/** Rewrites the plaintext port arguments of the chart's start scripts as its TLS branch renders them. */
function closePlainPort(data: Json): void {
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string' || !value.includes('redis-server')) continue;
    data[key] = value.replace(/ARGS=\("--port" "\$\{REDIS_PORT\}"\)/g, 'ARGS=("--port" "0")\n    ARGS+=("--tls-port" "${REDIS_TLS_PORT}")');
  }
}
