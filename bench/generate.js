// Generates a synthetic `helm template` output for benchmarks: namespaces of releases made
// from a handful of chart shapes (web API, frontend, PostgreSQL, Redis, worker, node agent,
// batch), with the kinds, fields and mistakes that real rendered charts carry. The output
// depends only on the resource count and the seed.
//
//   node bench/generate.js 10000 [seed] > install.yaml

import { pathToFileURL } from 'node:url';
import yaml from 'js-yaml';

/** mulberry32: a small seeded generator, so that every run audits the same bytes. */
function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => items[Math.floor(next() * items.length)],
    base64: (byteCount) => {
      const bytes = Buffer.alloc(byteCount);
      for (let i = 0; i < byteCount; i++) bytes[i] = Math.floor(next() * 256);
      return bytes.toString('base64');
    },
    hex: (length) => {
      let out = '';
      for (let i = 0; i < length; i++) out += '0123456789abcdef'[Math.floor(next() * 16)];
      return out;
    },
  };
}

const REGISTRIES = ['registry.example.com/platform', 'docker.io/bitnami', 'quay.io/example', 'ghcr.io/example-org', 'nginx'];
const STORAGE_CLASSES = ['fast-encrypted', 'standard', 'archive'];
const ROLE_RESOURCES = ['configmaps', 'secrets', 'pods', 'services', 'endpoints', 'leases', 'events', 'jobs'];

/** Picks a container securityContext as charts ship it: hardened, partly set, absent, or privileged (agents only). */
function containerSecurityContext(random, privileged) {
  if (privileged) {
    return { privileged: true, runAsUser: 0, capabilities: { add: ['NET_ADMIN', 'SYS_ADMIN'] } };
  }
  const roll = random.next();
  if (roll < 0.45) {
    return {
      runAsNonRoot: true,
      runAsUser: 1001,
      runAsGroup: 1001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }
  if (roll < 0.75) return { runAsUser: 1001, allowPrivilegeEscalation: random.chance(0.5) };
  return undefined;
}

function image(random, name) {
  const registry = random.pick(REGISTRIES);
  const roll = random.next();
  if (roll < 0.2) return `${registry}/${name}@sha256:${random.hex(64)}`;
  if (roll < 0.3) return `${registry}/${name}:latest`;
  if (roll < 0.35) return `${name}`;
  return `${registry}/${name}:${random.int(1, 17)}.${random.int(0, 12)}.${random.int(0, 30)}`;
}

function probe(random, port) {
  const kind = random.pick(['http', 'http', 'tcp', 'exec']);
  const timing = { initialDelaySeconds: random.int(5, 30), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: random.int(3, 6) };
  if (kind === 'http') return { httpGet: { path: random.pick(['/healthz', '/ready', '/api/health']), port, scheme: 'HTTP' }, ...timing };
  if (kind === 'tcp') return { tcpSocket: { port }, ...timing };
  return { exec: { command: ['/bin/sh', '-c', 'exec pg_isready -h 127.0.0.1 -p 5432'] }, ...timing };
}

function resources(random) {
  const cpu = random.pick(['100m', '250m', '500m', '1']);
  const memory = random.pick(['128Mi', '256Mi', '512Mi', '1Gi', '2Gi']);
  if (random.chance(0.2)) return {};
  return { requests: { cpu, memory }, limits: random.chance(0.6) ? { cpu, memory } : { memory } };
}

function env(random, release) {
  const entries = [
    { name: 'LOG_LEVEL', value: random.pick(['info', 'debug', 'warn']) },
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'DATABASE_HOST', value: `${release}-postgresql` },
    { name: 'DATABASE_PORT', value: '5432' },
    { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: release, key: 'database-password' } } },
    { name: 'REDIS_URL', value: `redis://${release}-redis-master:6379/0` },
    { name: 'NATS_URL', value: 'nats://platform-nats:4222' },
    { name: 'FEATURE_FLAGS', valueFrom: { configMapKeyRef: { name: release, key: 'feature-flags' } } },
  ];
  // Some charts pass secrets as plain values, a mistake the audit is meant to find.
  if (random.chance(0.15)) entries.push({ name: 'API_TOKEN', value: random.base64(24) });
  if (random.chance(0.1)) entries.push({ name: 'DATABASE_URL', value: `postgres://app:${random.hex(16)}@${release}-postgresql:5432/app?sslmode=disable` });
  return entries.slice(0, random.int(3, entries.length));
}

function container(random, name, release, port, options = {}) {
  const result = {
    name,
    image: image(random, name),
    imagePullPolicy: random.pick(['IfNotPresent', 'Always']),
  };
  if (options.args) result.args = options.args;
  result.env = env(random, release);
  if (port !== undefined) {
    result.ports = [{ name: 'http', containerPort: port, protocol: 'TCP' }];
    if (random.chance(0.8)) result.livenessProbe = probe(random, port);
    if (random.chance(0.8)) result.readinessProbe = probe(random, port);
  }
  result.resources = resources(random);
  const securityContext = containerSecurityContext(random, options.privileged === true);
  if (securityContext) result.securityContext = securityContext;
  result.volumeMounts = [
    { name: 'config', mountPath: '/etc/app', readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
    ...(options.extraMounts ?? []),
  ];
  return result;
}

function podSecurityContext(random) {
  if (random.chance(0.3)) return undefined;
  const context = { fsGroup: 1001 };
  if (random.chance(0.6)) context.seccompProfile = { type: 'RuntimeDefault' };
  if (random.chance(0.5)) context.runAsNonRoot = true;
  return context;
}

/** Builds a pod template as charts render it, with the release's selector labels. */
function podTemplate(random, release, selector, containers, extra = {}) {
  const spec = { serviceAccountName: release };
  if (random.chance(0.5)) spec.automountServiceAccountToken = false;
  if (extra.hostNetwork) spec.hostNetwork = true;
  if (extra.hostPID) spec.hostPID = true;
  const securityContext = podSecurityContext(random);
  if (securityContext) spec.securityContext = securityContext;
  if (extra.initContainers) spec.initContainers = extra.initContainers;
  spec.containers = containers;
  spec.volumes = [
    { name: 'config', configMap: { name: release } },
    { name: 'tmp', emptyDir: {} },
    ...(extra.volumes ?? []),
  ];
  if (extra.restartPolicy) spec.restartPolicy = extra.restartPolicy;
  if (random.chance(0.3)) spec.imagePullSecrets = [{ name: 'registry-credentials' }];
  if (random.chance(0.4)) spec.nodeSelector = { 'kubernetes.io/os': 'linux' };
  if (random.chance(0.3)) {
    spec.affinity = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 1, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } },
        ],
      },
    };
  }
  const annotations = { 'checksum/config': random.hex(64) };
  if (random.chance(0.3)) annotations['linkerd.io/inject'] = 'enabled';
  return { metadata: { labels: { ...selector, 'app.kubernetes.io/version': '1.4.2' }, annotations }, spec };
}

/** Collector of the generated objects, each with the chart template it claims to come from. */
class InstallWriter {
  constructor(random) {
    this.random = random;
    this.documents = [];
  }

  add(chart, template, object) {
    this.documents.push({ source: `${chart}/templates/${template}`, object });
  }

  metadata(name, namespace, labels, annotations) {
    const metadata = { name };
    if (namespace !== undefined) metadata.namespace = namespace;
    metadata.labels = labels;
    if (annotations) metadata.annotations = annotations;
    return metadata;
  }
}

function chartLabels(chart, release, component) {
  const labels = {
    'helm.sh/chart': `${chart}-${chart.length % 5}.${chart.length % 7}.0`,
    'app.kubernetes.io/name': chart,
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/version': '1.4.2',
    'app.kubernetes.io/managed-by': 'Helm',
  };
  if (component) labels['app.kubernetes.io/component'] = component;
  return labels;
}

function selectorOf(chart, release, component) {
  const selector = { 'app.kubernetes.io/name': chart, 'app.kubernetes.io/instance': release };
  if (component) selector['app.kubernetes.io/component'] = component;
  return selector;
}

function addServiceAccount(writer, chart, release, namespace) {
  const object = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: writer.metadata(release, namespace, chartLabels(chart, release)) };
  if (writer.random.chance(0.5)) object.automountServiceAccountToken = false;
  writer.add(chart, 'serviceaccount.yaml', object);
}

function addSecret(writer, chart, release, namespace, keys) {
  const data = {};
  for (const key of keys) data[key] = writer.random.base64(writer.random.int(12, 48));
  writer.add(chart, 'secret.yaml', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: writer.metadata(release, namespace, chartLabels(chart, release)),
    type: 'Opaque',
    data,
  });
}

/** Adds a kubernetes.io/tls Secret. Its certificate is random base64 of a realistic size, not a parseable X.509 certificate. */
function addTlsSecret(writer, chart, release, namespace, name) {
  const pem = (label, bytes) => `-----BEGIN ${label}-----\n${writer.random.base64(bytes).replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;
  writer.add(chart, 'tls-secret.yaml', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: writer.metadata(name, namespace, chartLabels(chart, release)),
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(pem('CERTIFICATE', 800)).toString('base64'),
      'tls.key': Buffer.from(pem('PRIVATE KEY', 120)).toString('base64'),
    },
  });
}

function addConfigMap(writer, chart, release, namespace, data) {
  writer.add(chart, 'configmap.yaml', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: writer.metadata(release, namespace, chartLabels(chart, release)),
    data,
  });
}

function appConfig(random, release) {
  const lines = [
    'server:',
    `  port: ${random.pick([8080, 8000, 3000])}`,
    '  shutdownTimeout: 30s',
    'logging:',
    `  level: ${random.pick(['info', 'debug'])}`,
    '  format: json',
    'database:',
    `  host: ${release}-postgresql`,
    '  port: 5432',
    `  sslmode: ${random.pick(['require', 'verify-full', 'disable', 'prefer'])}`,
    'cache:',
    `  url: redis://${release}-redis-master:6379`,
    '  ttl: 300',
  ];
  if (random.chance(0.1)) lines.push(`  password: ${random.hex(20)}`);
  return { 'application.yaml': lines.join('\n') + '\n', 'feature-flags': 'search,export,audit-log', 'LOG_FORMAT': 'json' };
}

function addService(writer, chart, release, namespace, selector, ports, options = {}) {
  const spec = { type: options.type ?? 'ClusterIP' };
  if (options.headless) spec.clusterIP = 'None';
  spec.ports = ports.map(({ name, port, targetPort, appProtocol }) => ({ name, port, targetPort: targetPort ?? name, protocol: 'TCP', ...(appProtocol ? { appProtocol } : {}) }));
  spec.selector = selector;
  writer.add(chart, options.headless ? 'svc-headless.yaml' : 'service.yaml', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: writer.metadata(options.name ?? release, namespace, chartLabels(chart, release, options.component)),
    spec,
  });
}

function addRbac(writer, chart, release, namespace) {
  const random = writer.random;
  const rules = [{ apiGroups: [''], resources: [random.pick(ROLE_RESOURCES), random.pick(ROLE_RESOURCES)], verbs: ['get', 'list', 'watch'] }];
  if (random.chance(0.2)) rules.push({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] });
  else if (random.chance(0.3)) rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update', 'patch'] });
  writer.add(chart, 'role.yaml', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: writer.metadata(release, namespace, chartLabels(chart, release)), rules });
  writer.add(chart, 'rolebinding.yaml', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: writer.metadata(release, namespace, chartLabels(chart, release)),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: release },
    subjects: [{ kind: 'ServiceAccount', name: release, namespace }],
  });
}

function addNetworkPolicy(writer, chart, release, namespace, selector, port) {
  const random = writer.random;
  const from = [{ podSelector: { matchLabels: { [`${release}-client`]: 'true' } } }];
  if (random.chance(0.5)) from.push({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } });
  writer.add(chart, 'networkpolicy.yaml', {
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    metadata: writer.metadata(release, namespace, chartLabels(chart, release)),
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress', 'Egress'],
      egress: random.chance(0.5) ? [{}] : [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }, { to: [{ podSelector: {} }] }],
      ingress: [{ from, ports: [{ port, protocol: 'TCP' }] }],
    },
  });
}

function addIngress(writer, chart, release, namespace, host, servicePort) {
  const random = writer.random;
  const spec = { ingressClassName: random.pick(['nginx', 'nginx', 'traefik']) };
  const withTls = random.chance(0.8);
  if (withTls) spec.tls = [{ hosts: [host], secretName: `${release}-tls` }];
  spec.rules = [
    {
      host,
      http: {
        paths: [
          { path: '/', pathType: 'Prefix', backend: { service: { name: release, port: { number: servicePort } } } },
          { path: '/api', pathType: 'Prefix', backend: { service: { name: release, port: { name: 'http' } } } },
        ],
      },
    },
  ];
  const annotations = { 'nginx.ingress.kubernetes.io/proxy-body-size': '64m' };
  if (random.chance(0.4)) annotations['cert-manager.io/cluster-issuer'] = 'letsencrypt';
  if (random.chance(0.2)) annotations['nginx.ingress.kubernetes.io/ssl-redirect'] = 'false';
  writer.add(chart, 'ingress.yaml', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: writer.metadata(release, namespace, chartLabels(chart, release), annotations),
    spec,
  });
  if (withTls && random.chance(0.5)) addTlsSecret(writer, chart, release, namespace, `${release}-tls`);
}

function deployment(writer, chart, release, namespace, component, template) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: writer.metadata(component ? `${release}-${component}` : release, namespace, chartLabels(chart, release, component)),
    spec: {
      replicas: writer.random.int(1, 5),
      revisionHistoryLimit: 10,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      selector: { matchLabels: selectorOf(chart, release, component) },
      template,
    },
  };
}

function webApi(writer, release, namespace, domain) {
  const chart = 'web-api';
  const random = writer.random;
  const selector = selectorOf(chart, release, 'api');
  addServiceAccount(writer, chart, release, namespace);
  addSecret(writer, chart, release, namespace, ['database-password', 'session-key', 'jwt-signing-key']);
  addConfigMap(writer, chart, release, namespace, appConfig(random, release));
  if (random.chance(0.6)) addRbac(writer, chart, release, namespace);
  addService(writer, chart, release, namespace, selector, [{ name: 'http', port: 80, targetPort: 8080 }], { component: 'api' });
  const template = podTemplate(random, release, selector, [container(random, 'api', release, 8080)], {
    initContainers: random.chance(0.4) ? [container(random, 'migrate', release, undefined, { args: ['migrate', 'up'] })] : undefined,
  });
  writer.add(chart, 'deployment.yaml', deployment(writer, chart, release, namespace, 'api', template));
  addIngress(writer, chart, release, namespace, `api-${release}.${domain}`, 80);
  if (random.chance(0.5)) addNetworkPolicy(writer, chart, release, namespace, selector, 8080);
  writer.add(chart, 'hpa.yaml', {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: writer.metadata(release, namespace, chartLabels(chart, release)),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${release}-api` },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 } } }],
    },
  });
}

function frontend(writer, release, namespace, domain) {
  const chart = 'frontend';
  const random = writer.random;
  const selector = selectorOf(chart, release, 'ui');
  addServiceAccount(writer, chart, release, namespace);
  addConfigMap(writer, chart, release, namespace, {
    'nginx.conf': [
      'server {',
      '  listen 8443 ssl;',
      '  ssl_certificate /etc/tls/tls.crt;',
      '  ssl_certificate_key /etc/tls/tls.key;',
      '  location / {',
      '    proxy_pass http://127.0.0.1:8080;',
      '    proxy_set_header Host $host;',
      '  }',
      '}',
    ].join('\n') + '\n',
  });
  addService(writer, chart, release, namespace, selector, [{ name: 'https', port: 443, targetPort: 8443, appProtocol: 'https' }], { component: 'ui' });
  const containers = [
    container(random, 'ui', release, 8080),
    container(random, 'nginx', release, 8443, { extraMounts: [{ name: 'tls', mountPath: '/etc/tls', readOnly: true }] }),
  ];
  const template = podTemplate(random, release, selector, containers, { volumes: [{ name: 'tls', secret: { secretName: `${release}-tls` } }] });
  writer.add(chart, 'deployment.yaml', deployment(writer, chart, release, namespace, 'ui', template));
  addIngress(writer, chart, release, namespace, `www-${release}.${domain}`, 443);
}

function statefulStore(writer, chart, release, namespace, port, portName) {
  const random = writer.random;
  const name = `${release}-${chart}`;
  const selector = selectorOf(chart, release, 'primary');

  addServiceAccount(writer, chart, release, namespace);
  addSecret(writer, chart, release, namespace, chart === 'postgresql' ? ['postgres-password', 'password', 'replication-password'] : ['redis-password']);
  addConfigMap(writer, chart, release, namespace, {
    [`${chart}.conf`]: Array.from({ length: random.int(8, 20) }, (_, i) => `setting_${i} = ${random.int(1, 1000)}`).join('\n') + '\n',
  });
  if (random.chance(0.7)) addNetworkPolicy(writer, chart, release, namespace, selector, port);
  addService(writer, chart, release, namespace, selector, [{ name: portName, port }], { name: `${name}-hl`, headless: true, component: 'primary' });
  addService(writer, chart, release, namespace, selector, [{ name: portName, port, appProtocol: chart }], { name, component: 'primary' });

  const storeContainer = container(random, chart, release, port, { extraMounts: [{ name: 'data', mountPath: '/bitnami/data' }] });
  storeContainer.ports[0].name = portName;
  const template = podTemplate(random, release, selector, [storeContainer]);
  const claim = { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${random.int(1, 100)}Gi` } } } };
  if (random.chance(0.7)) claim.spec.storageClassName = random.pick(STORAGE_CLASSES);

  writer.add(chart, 'primary/statefulset.yaml', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: writer.metadata(name, namespace, chartLabels(chart, release, 'primary')),
    spec: {
      replicas: 1,
      serviceName: `${name}-hl`,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: {} },
      selector: { matchLabels: selector },
      template,
      volumeClaimTemplates: [claim],
    },
  });
  writer.add(chart, 'primary/pdb.yaml', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: writer.metadata(name, namespace, chartLabels(chart, release, 'primary')),
    spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
  });
}

function worker(writer, release, namespace) {
  const chart = 'worker';
  const random = writer.random;
  const selector = selectorOf(chart, release, 'worker');
  addServiceAccount(writer, chart, release, namespace);
  addConfigMap(writer, chart, release, namespace, appConfig(random, release));
  const claim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: writer.metadata(`${release}-scratch`, namespace, chartLabels(chart, release)),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } },
  };
  if (random.chance(0.6)) claim.spec.storageClassName = random.pick(STORAGE_CLASSES);
  writer.add(chart, 'pvc.yaml', claim);
  const template = podTemplate(random, release, selector, [container(random, 'worker', release, undefined, { extraMounts: [{ name: 'scratch', mountPath: '/scratch' }] })], {
    volumes: [{ name: 'scratch', persistentVolumeClaim: { claimName: `${release}-scratch` } }],
  });
  writer.add(chart, 'deployment.yaml', deployment(writer, chart, release, namespace, 'worker', template));
}

function nodeAgent(writer, release, namespace) {
  const chart = 'node-agent';
  const random = writer.random;
  const selector = selectorOf(chart, release);
  const clusterName = `${namespace}-${release}`;

  addServiceAccount(writer, chart, release, namespace);
  addConfigMap(writer, chart, release, namespace, { 'agent.yaml': 'collect:\n  - metrics\n  - logs\nscrapeInterval: 30s\n' });
  writer.add(chart, 'clusterrole.yaml', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: writer.metadata(clusterName, undefined, chartLabels(chart, release)),
    rules: [
      { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] },
      ...(random.chance(0.3) ? [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] : []),
    ],
  });
  writer.add(chart, 'clusterrolebinding.yaml', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: writer.metadata(clusterName, undefined, chartLabels(chart, release)),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
    subjects: [{ kind: 'ServiceAccount', name: release, namespace }],
  });
  addService(writer, chart, release, namespace, selector, [{ name: 'metrics', port: 9100 }]);

  const privileged = random.chance(0.5);
  const template = podTemplate(
    random,
    release,
    selector,
    [container(random, 'agent', release, 9100, { privileged, extraMounts: [{ name: 'host-root', mountPath: '/host', readOnly: true }] })],
    { hostNetwork: privileged, hostPID: privileged && random.chance(0.5), volumes: [{ name: 'host-root', hostPath: { path: '/', type: 'Directory' } }] },
  );
  template.spec.tolerations = [{ operator: 'Exists' }];
  writer.add(chart, 'daemonset.yaml', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: writer.metadata(release, namespace, chartLabels(chart, release)),
    spec: { selector: { matchLabels: selector }, updateStrategy: { type: 'RollingUpdate' }, template },
  });
}

function batch(writer, release, namespace) {
  const chart = 'batch';
  const random = writer.random;
  addServiceAccount(writer, chart, release, namespace);
  addSecret(writer, chart, release, namespace, ['database-password', 's3-secret-key']);
  addConfigMap(writer, chart, release, namespace, appConfig(random, release));
  addRbac(writer, chart, release, namespace);
  const jobTemplate = (component) => {
    const template = podTemplate(random, release, selectorOf(chart, release, component), [container(random, component, release, undefined, { args: ['run', component] })], { restartPolicy: 'OnFailure' });
    return { backoffLimit: 3, ttlSecondsAfterFinished: 3600, template };
  };
  writer.add(chart, 'job-migrate.yaml', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: writer.metadata(`${release}-migrate`, namespace, chartLabels(chart, release, 'migrate'), {
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '-5',
      'helm.sh/hook-delete-policy': 'before-hook-creation',
    }),
    spec: jobTemplate('migrate'),
  });
  writer.add(chart, 'cronjob.yaml', {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: writer.metadata(`${release}-report`, namespace, chartLabels(chart, release, 'report')),
    spec: {
      schedule: `${random.int(0, 59)} ${random.int(0, 23)} * * *`,
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { spec: jobTemplate('report') },
    },
  });
}

const CHARTS = [
  { weight: 30, build: (writer, release, namespace, domain) => webApi(writer, release, namespace, domain) },
  { weight: 15, build: (writer, release, namespace, domain) => frontend(writer, release, namespace, domain) },
  { weight: 12, build: (writer, release, namespace) => statefulStore(writer, 'postgresql', release, namespace, 5432, 'tcp-postgresql') },
  { weight: 10, build: (writer, release, namespace) => statefulStore(writer, 'redis', release, namespace, 6379, 'tcp-redis') },
  { weight: 15, build: (writer, release, namespace) => worker(writer, release, namespace) },
  { weight: 5, build: (writer, release, namespace) => nodeAgent(writer, release, namespace) },
  { weight: 13, build: (writer, release, namespace) => batch(writer, release, namespace) },
];
const TOTAL_WEIGHT = CHARTS.reduce((sum, chart) => sum + chart.weight, 0);

function pickChart(random) {
  let roll = random.next() * TOTAL_WEIGHT;
  for (const chart of CHARTS) {
    roll -= chart.weight;
    if (roll < 0) return chart;
  }
  return CHARTS[CHARTS.length - 1];
}

function addStorageClasses(writer) {
  STORAGE_CLASSES.forEach((name, index) => {
    const parameters = { type: index === 0 ? 'gp3' : 'gp2' };
    if (index === 0) parameters.encrypted = 'true';
    writer.add('storage', 'storageclass.yaml', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: writer.metadata(name, undefined, chartLabels('storage', 'storage'), index === 1 ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : undefined),
      provisioner: 'ebs.csi.aws.com',
      parameters,
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });
  });
}

function addNamespace(writer, namespace) {
  const random = writer.random;
  const labels = { 'app.kubernetes.io/managed-by': 'Helm' };
  const level = random.pick(['restricted', 'baseline', undefined, undefined]);
  if (level) labels['pod-security.kubernetes.io/enforce'] = level;
  writer.add('tenant', 'namespace.yaml', { apiVersion: 'v1', kind: 'Namespace', metadata: writer.metadata(namespace, undefined, labels) });
  if (random.chance(0.5)) {
    writer.add('tenant', 'default-deny.yaml', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: writer.metadata('default-deny', namespace, { 'app.kubernetes.io/managed-by': 'Helm' }),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  }
}

/** Renders one document as `helm template` does: a `---` line, a `# Source:` comment, the object. */
function renderDocument({ source, object }) {
  return `---\n# Source: ${source}\n${yaml.dump(object, { lineWidth: -1, noRefs: true, quotingType: '"' })}`;
}

/**
 * Generates a multi-document YAML text of exactly `resourceCount` objects. Namespaces of
 * 4 to 10 releases follow three StorageClasses; the last release is cut off at the count.
 */
export function generateInstall(resourceCount, seed = 1) {
  const random = createRandom(seed);
  const writer = new InstallWriter(random);
  addStorageClasses(writer);
  let namespaceIndex = 0;
  while (writer.documents.length < resourceCount) {
    namespaceIndex++;
    const namespace = `team-${String(namespaceIndex).padStart(4, '0')}`;
    addNamespace(writer, namespace);
    const releaseCount = random.int(4, 10);
    for (let i = 1; i <= releaseCount && writer.documents.length < resourceCount; i++) {
      pickChart(random).build(writer, `app${i}`, namespace, `${namespace}.example.com`);
    }
  }
  return writer.documents.slice(0, resourceCount).map(renderDocument).join('');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = Number(process.argv[2]);
  const seed = process.argv[3] === undefined ? 1 : Number(process.argv[3]);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
    process.stderr.write('usage: node bench/generate.js RESOURCE_COUNT [SEED]\n');
    process.exit(2);
  }
  process.stdout.write(generateInstall(count, seed));
}
