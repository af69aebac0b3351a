import { isRecord, type Json } from '../../model/access.js';
import { PLATFORM_COMPONENTS } from '../../profiles/howso-platform.js';
import { arrayAt, containersOf, kindOf, mapAt, nameOf, podTemplateOf, setEnv, valueAt, type EditableObject } from './objects.js';

// What the platform chart does with the values of the TLS bundle, for a rendered platform that
// cannot be rendered again. It follows the example chart in examples/howso-platform, a stand-in
// for the platform's chart. The model covers the client settings in the platform-config ConfigMap and the PG*
// env, and with podTLS the Services on HTTPS 8443 and the Ingress backends on their port `https`.
// The nginx sidecar itself and the CA volumes are left out, because the encryption map reads only
// the addresses and ports.

const SIDECAR_PORT = 8443;

/** Applies the platform's values overlay to the rendered objects of its namespace. */
export function applyPlatformOverlay(objects: EditableObject[], values: Json, namespace: string): void {
  const podTls = valueAt(values, ['podTLS', 'enabled']) === true;
  const components = new Set(PLATFORM_COMPONENTS.filter((component) => component.subdomain).map((component) => component.name));
  for (const object of objects) {
    const kind = kindOf(object);
    if (kind === 'ConfigMap' && nameOf(object) === 'platform-config') rewriteConfig(mapAt(object, ['data']), values, podTls, namespace);
    const template = podTemplateOf(object);
    if (template) {
      for (const container of containersOf(template)) rewritePostgresEnv(container, values);
      if (podTls && components.has(nameOf(object))) {
        const first = containersOf(template)[0];
        if (first) arrayAt(first, ['ports']).push({ name: 'https', containerPort: SIDECAR_PORT, protocol: 'TCP' });
      }
    }
    if (podTls && kind === 'Service' && components.has(nameOf(object))) {
      mapAt(object, ['spec']).ports = [{ name: 'https', port: SIDECAR_PORT, targetPort: 'https', protocol: 'TCP', appProtocol: 'https' }];
    }
    if (podTls && kind === 'Ingress') routeIngressToSidecars(object, components);
  }
}

/**
 * Points the Ingress backends of the podTLS components at the Services' port `https`, as the
 * chart's ingress template does when podTLS is on. The port `http` they named no longer exists.
 */
function routeIngressToSidecars(ingress: Json, components: Set<string>): void {
  const spec = mapAt(ingress, ['spec']);
  const backends: unknown[] = [spec.defaultBackend];
  for (const rule of Array.isArray(spec.rules) ? spec.rules : []) {
    const paths = isRecord(rule) && isRecord(rule.http) && Array.isArray(rule.http.paths) ? rule.http.paths : [];
    for (const entry of paths) if (isRecord(entry)) backends.push(entry.backend);
  }
  for (const backend of backends) {
    if (!isRecord(backend) || !isRecord(backend.service)) continue;
    const service = backend.service;
    if (typeof service.name === 'string' && components.has(service.name)) service.port = { name: 'https' };
  }
}

function rewriteConfig(data: Json, values: Json, podTls: boolean, namespace: string): void {
  if (valueAt(values, ['datastores', 'nats', 'tls', 'enabled']) === true && typeof data.NATS_URL === 'string') data.NATS_URL = data.NATS_URL.replace(/^nats:\/\//, 'tls://');
  if (valueAt(values, ['datastores', 'redis', 'tls', 'enabled']) === true) data.REDIS_TLS = 'true';
  if (valueAt(values, ['datastores', 'minio', 'secure']) === true && typeof data.S3_ENDPOINT_URL === 'string') data.S3_ENDPOINT_URL = data.S3_ENDPOINT_URL.replace(/^http:\/\//, 'https://');
  if (podTls) {
    data.UMS_INTERNAL_URL = `https://platform-ums.${namespace}.svc.cluster.local:${SIDECAR_PORT}`;
    data.API_INTERNAL_URL = `https://platform-api-v3.${namespace}.svc.cluster.local:${SIDECAR_PORT}`;
  }
}

/** Sets PGSSLMODE from the overlay's sslmode, for a container whose PGHOST and PGDATABASE match one of its databases. */
function rewritePostgresEnv(container: Json, values: Json): void {
  const env = arrayAt(container, ['env']).filter(isRecord);
  if (!env.some((entry) => entry.name === 'PGSSLMODE')) return;
  const databases = valueAt(values, ['datastores', 'postgres']);
  if (!isRecord(databases)) return;
  const modes = Object.values(databases).filter(isRecord).map((database) => database.sslmode).filter((mode): mode is string => typeof mode === 'string');
  // The overlay gives every database the same sslmode, so the first one applies to any client.
  if (modes.length > 0) setEnv(container, 'PGSSLMODE', modes[0]);
}
