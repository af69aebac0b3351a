import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { DaemonSet, Deployment } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { ConfigMap, Container, EnvVar, PodSpec, Secret, Service } from 'kubernetes-types/core/v1.js';
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import type { PolicyRule, Role } from 'kubernetes-types/rbac/v1.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditFiles, CORPUS, ROOT } from '../support/audit.js';
import { ensureHelm } from '../support/helm.js';

// The example chart takes the place of the platform chart, which is not public. These tests
// render it with the real helm in three ways. Each values file published with the platform's
// installation examples must render, and its settings must show up in the output. This
// project's own values files must render as documented. examples/rendered/howso-platform.yaml
// must match a fresh render.

const helm = process.env.RAMPART_HELM ?? ensureHelm().helm;
const chart = path.join(ROOT, 'examples', 'howso-platform');
const renderedFile = path.join(ROOT, 'examples', 'rendered', 'howso-platform.yaml');
const ownValues = path.join(ROOT, 'examples', 'values');
const publishedValues = path.join(CORPUS, 'realworld', 'values');

const SERVICES = ['platform-ui-v2', 'platform-api-v3', 'platform-ums', 'platform-pypi'];
const DEPLOYMENTS = [...SERVICES, 'platform-operator'];
const COMPONENTS: Record<string, string> = {
  'platform-ui-v2': 'platform-ui',
  'platform-api-v3': 'platform-api',
  'platform-ums': 'user-management-service',
  'platform-pypi': 'platform-pypi',
  'platform-operator': 'platform-operator',
};

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

interface HelmRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runHelmTemplate(args: string[]): HelmRun {
  const result = spawnSync(helm, ['template', 'howso-platform', chart, '--namespace', 'howso', ...args], { encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Renders the chart and parses the output. A helm failure fails the test and shows helm's stderr. */
function render(...args: string[]): Rendered {
  const run = runHelmTemplate(args);
  expect(run.stderr.trim(), `helm template ${args.join(' ')}`).toBe('');
  expect(run.status).toBe(0);
  return new Rendered(run.stdout);
}

function renderWith(file: string, ...args: string[]): Rendered {
  return render('--values', file, ...args);
}

class Rendered {
  readonly objects: KubeObject[];

  constructor(text: string) {
    this.objects = yaml.loadAll(text).filter((document): document is KubeObject => document !== null && typeof document === 'object');
  }

  all<T>(kind: string): T[] {
    return this.objects.filter((object) => object.kind === kind) as T[];
  }

  get<T>(kind: string, name: string): T {
    const found = this.objects.find((object) => object.kind === kind && object.metadata.name === name);
    expect(found, `${kind} ${name} is rendered`).toBeDefined();
    return found as T;
  }

  has(kind: string, name: string): boolean {
    return this.objects.some((object) => object.kind === kind && object.metadata.name === name);
  }

  /** Returns the pod spec of every workload, keyed by `Kind/name`. */
  podSpecs(): Map<string, PodSpec> {
    const specs = new Map<string, PodSpec>();
    for (const object of this.objects) {
      let spec: PodSpec | undefined;
      if (object.kind === 'Deployment') spec = (object as Deployment).spec?.template.spec;
      else if (object.kind === 'DaemonSet') spec = (object as DaemonSet).spec?.template.spec;
      else if (object.kind === 'Job') spec = (object as Job).spec?.template.spec;
      else if (object.kind === 'CronJob') spec = (object as CronJob).spec?.jobTemplate.spec?.template.spec;
      if (spec) specs.set(`${object.kind}/${object.metadata.name}`, spec);
    }
    return specs;
  }

  images(): string[] {
    const images: string[] = [];
    for (const spec of this.podSpecs().values()) {
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) images.push(container.image ?? '');
    }
    return images;
  }

  podSpec(deployment: string): PodSpec {
    const spec = this.get<Deployment>('Deployment', deployment).spec?.template.spec;
    expect(spec, `pod spec of Deployment ${deployment}`).toBeDefined();
    return spec as PodSpec;
  }

  container(deployment: string, name: string): Container {
    const container = this.podSpec(deployment).containers.find((candidate) => candidate.name === name);
    expect(container, `container ${name} of Deployment ${deployment}`).toBeDefined();
    return container as Container;
  }

  env(deployment: string, container: string): Map<string, EnvVar> {
    return new Map((this.container(deployment, container).env ?? []).map((variable) => [variable.name, variable]));
  }

  config(): Record<string, string> {
    return this.get<ConfigMap>('ConfigMap', 'platform-config').data ?? {};
  }

  ingressHosts(): Set<string> {
    const hosts = new Set<string>();
    for (const ingress of this.all<Ingress>('Ingress')) {
      for (const rule of ingress.spec?.rules ?? []) if (rule.host) hosts.add(rule.host);
    }
    return hosts;
  }
}

function decode(secret: Secret, key: string): string | undefined {
  const value = secret.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

function loadValues(file: string): Record<string, unknown> {
  return yaml.load(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Returns the dotted path of every leaf of a values document. A map under `annotations` counts as one leaf. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || prefix.endsWith('annotations')) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}

function hasPath(document: unknown, dotted: string): boolean {
  let current = document;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object' || !(key in current)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}

function rulesOf(role: Role): PolicyRule[] {
  return role.rules ?? [];
}

function allows(role: Role, resource: string, verb: string): boolean {
  return rulesOf(role).some((rule) => (rule.resources ?? []).includes(resource) && rule.verbs.includes(verb));
}

describe('examples/rendered/howso-platform.yaml', () => {
  it('is current (regenerate with npm run examples)', () => {
    const script = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'render-examples.js'), '--stdout'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, RAMPART_HELM: helm },
    });
    expect(script.stderr).toBe('');
    expect(script.status).toBe(0);
    expect(readFileSync(renderedFile, 'utf8') === script.stdout, 'examples/rendered/howso-platform.yaml is stale: run npm run examples').toBe(true);
  });

  it('is the Namespace plus basic render', () => {
    const text = readFileSync(renderedFile, 'utf8');
    const first = new Rendered(text).objects[0];
    expect(first.kind).toBe('Namespace');
    expect(first.metadata.name).toBe('howso');

    const direct = runHelmTemplate(['--values', path.join(ownValues, 'basic.yaml')]);
    expect(direct.status).toBe(0);
    expect(text.endsWith(direct.stdout)).toBe(true);
  });

  it('audits without input problems', async () => {
    const result = await auditFiles([path.relative(process.cwd(), renderedFile)]);
    const inputFindings = result.findings.filter((finding) => finding.area === 'input').map((finding) => `${finding.checkId}: ${finding.message}`);
    expect(inputFindings).toEqual([]);

    const deployments = result.inventory.resources.filter((resource) => resource.kind === 'Deployment').map((resource) => resource.name);
    expect(deployments.sort()).toEqual([...DEPLOYMENTS].sort());
    for (const resource of result.inventory.resources) {
      if (resource.kind !== 'Namespace' && resource.kind !== 'CustomResourceDefinition') expect(resource.namespace, `${resource.kind} ${resource.name}`).toBe('howso');
    }
  });
});

describe('example chart with default values', () => {
  let rendered: Rendered;
  beforeAll(() => {
    rendered = render();
  });

  it('renders a Deployment and Service per component', () => {
    for (const name of DEPLOYMENTS) {
      const deployment = rendered.get<Deployment>('Deployment', name);
      const service = rendered.get<Service>('Service', name);
      const component = COMPONENTS[name];

      expect(deployment.metadata?.labels?.['app.kubernetes.io/component']).toBe(component);
      expect(deployment.spec?.selector.matchLabels).toEqual({
        'app.kubernetes.io/name': 'howso-platform',
        'app.kubernetes.io/instance': 'howso-platform',
        'app.kubernetes.io/component': component,
      });
      expect(deployment.spec?.template.metadata?.labels).toMatchObject(deployment.spec?.selector.matchLabels ?? {});
      expect(service.spec?.selector).toEqual(deployment.spec?.selector.matchLabels);
    }
  });

  it('serves plain HTTP on the application ports', () => {
    expect(rendered.get<Service>('Service', 'platform-ums').spec?.ports).toMatchObject([{ name: 'http', port: 8000, targetPort: 'http' }]);
    for (const name of ['platform-ui-v2', 'platform-api-v3', 'platform-pypi', 'platform-operator']) {
      expect(rendered.get<Service>('Service', name).spec?.ports, name).toMatchObject([{ name: 'http', port: 8080, targetPort: 'http' }]);
    }
  });

  it('points at the backing services', () => {
    const config = rendered.config();
    expect(config.NATS_URL).toBe('nats://platform-nats:4222');
    expect(config.REDIS_HOST).toBe('platform-redis-master');
    expect(config.REDIS_PORT).toBe('6379');
    expect(config.S3_ENDPOINT_URL).toBe('http://platform-minio:9000');

    for (const [deployment, container] of [['platform-ums', 'ums'], ['platform-api-v3', 'api']]) {
      const env = rendered.env(deployment, container);
      expect(env.get('PGHOST')?.value, deployment).toBe('platform-postgres-postgresql');
      expect(env.get('PGPORT')?.value, deployment).toBe('5432');
      expect(env.get('PGSSLMODE')?.value, deployment).toBe('prefer');
      expect(env.get('PGPASSWORD')?.valueFrom?.secretKeyRef, deployment).toEqual({ name: 'platform-postgres-postgresql', key: 'postgres-password' });
      expect(env.get('REDIS_PASSWORD')?.valueFrom?.secretKeyRef, deployment).toEqual({ name: 'platform-redis', key: 'redis-password' });
    }
    expect(rendered.env('platform-api-v3', 'api').get('AWS_SECRET_ACCESS_KEY')?.valueFrom?.secretKeyRef).toEqual({ name: 'platform-minio', key: 'rootPassword' });
  });

  it('lets the operator create and delete pods', () => {
    const role = rendered.get<Role>('Role', 'platform-operator');
    expect(allows(role, 'pods', 'create')).toBe(true);
    expect(allows(role, 'pods', 'delete')).toBe(true);
    expect(rendered.podSpec('platform-operator').serviceAccountName).toBe('platform-operator');

    const operatorConfig = rendered.get<ConfigMap>('ConfigMap', 'platform-operator-config').data?.['operator.yaml'] ?? '';
    const workerImage = (yaml.load(operatorConfig) as { worker: { image: string } }).worker.image;
    expect(workerImage).toBe('proxy.replicated.com/proxy/howso-platform/dpbuild-docker-edge.jfrog.io/dp/platform-worker:1.1.992');
  });

  it('keeps the CA with a Job and a CronJob', () => {
    const role = rendered.get<Role>('Role', 'platform-cert-generation');
    for (const verb of ['get', 'create', 'update']) expect(allows(role, 'secrets', verb), verb).toBe(true);

    const specs = rendered.podSpecs();
    for (const workload of ['Job/platform-cert-generation-initial', 'CronJob/platform-cert-generation']) {
      const spec = specs.get(workload);
      expect(spec?.serviceAccountName, workload).toBe('platform-cert-generation');
      const env = new Map((spec?.containers[0].env ?? []).map((variable) => [variable.name, variable.value]));
      expect(env.get('CA_SECRET'), workload).toBe('platform-ca');
      expect(env.get('INGRESS_SECRET'), workload).toBe('platform-ingress-tls');
      expect(env.get('SIGN_INGRESS_CERT'), workload).toBe('true');
      expect(env.get('INGRESS_HOSTS')?.split(' '), workload).toContain('management.local.howso.com');
    }
  });

  it('serves subdomains and parent domain', () => {
    expect(rendered.all<Ingress>('Ingress').map((ingress) => ingress.metadata?.name).sort()).toEqual([...SERVICES].sort());
    expect([...rendered.ingressHosts()].sort()).toEqual(
      ['local.howso.com', 'www.local.howso.com', 'presigned.local.howso.com', 'api.local.howso.com', 'management.local.howso.com', 'pypi.local.howso.com'].sort(),
    );
    for (const ingress of rendered.all<Ingress>('Ingress')) {
      expect(ingress.spec?.ingressClassName, ingress.metadata?.name).toBeUndefined();
      expect(ingress.spec?.tls?.[0].secretName, ingress.metadata?.name).toBe('platform-ingress-tls');
    }
  });

  it('renders no pull Secret without license', () => {
    expect(rendered.all<Secret>('Secret').filter((secret) => secret.type === 'kubernetes.io/dockerconfigjson')).toEqual([]);
    expect(rendered.podSpec('platform-ums').imagePullSecrets).toBeUndefined();
  });

  it('includes the Trainee CustomResourceDefinition', () => {
    expect(rendered.has('CustomResourceDefinition', 'trainees.platform.howso.com')).toBe(true);
  });
});

describe('example chart with its own values files', () => {
  it('basic.yaml renders license pull Secret', () => {
    const rendered = renderWith(path.join(ownValues, 'basic.yaml'));
    const secret = rendered.get<Secret>('Secret', 'platform-image-pull');
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');

    const config = JSON.parse(decode(secret, '.dockerconfigjson') ?? '{}') as { auths: Record<string, { username: string }> };
    expect(Object.keys(config.auths)).toEqual(['proxy.replicated.com']);
    expect(config.auths['proxy.replicated.com'].username).toBe('example-license-id-not-real');
    for (const [workload, spec] of rendered.podSpecs()) expect(spec.imagePullSecrets, workload).toEqual([{ name: 'platform-image-pull' }]);
  });

  it('cert-manager.yaml uses a ClusterIssuer', () => {
    const rendered = renderWith(path.join(ownValues, 'cert-manager.yaml'));
    for (const ingress of rendered.all<Ingress>('Ingress')) {
      const name = ingress.metadata?.name ?? '';
      expect(ingress.metadata?.annotations?.['cert-manager.io/cluster-issuer'], name).toBe('letsencrypt-production');
      expect(ingress.spec?.tls?.[0].secretName, name).toBe(`${name}-tls`);
      expect(ingress.spec?.ingressClassName, name).toBe('nginx');
    }
    const env = new Map((rendered.podSpecs().get('CronJob/platform-cert-generation')?.containers[0].env ?? []).map((variable) => [variable.name, variable.value]));
    expect(env.get('SIGN_INGRESS_CERT')).toBe('false');
  });

  it('cert-manager.yaml with a namespaced Issuer', () => {
    const rendered = renderWith(path.join(ownValues, 'cert-manager.yaml'), '--set', 'internalPKI.useClusterIssuer=false');
    const annotations = rendered.get<Ingress>('Ingress', 'platform-ums').metadata?.annotations ?? {};
    expect(annotations['cert-manager.io/issuer']).toBe('letsencrypt-production');
    expect(annotations['cert-manager.io/cluster-issuer']).toBeUndefined();
  });

  it('pod-tls.yaml sends ingress traffic to 8443', () => {
    const rendered = renderWith(path.join(ownValues, 'pod-tls.yaml'));
    for (const ingress of rendered.all<Ingress>('Ingress')) {
      for (const rule of ingress.spec?.rules ?? []) {
        for (const route of rule.http?.paths ?? []) expect(route.backend.service?.port?.name, `${ingress.metadata?.name} ${rule.host}${route.path}`).toBe('https');
      }
      expect(ingress.metadata?.annotations?.['nginx.ingress.kubernetes.io/backend-protocol'], ingress.metadata?.name).toBe('HTTPS');
    }
    expect(rendered.config().UMS_INTERNAL_URL).toBe('https://platform-ums.howso.svc.cluster.local:8443');
    expect(rendered.get<Service>('Service', 'platform-operator').spec?.ports?.[0].port).toBe(8080);
  });

  it('rejects OIDC algorithms except RS256', () => {
    const run = runHelmTemplate(['--set', 'oidc.enabled=true', '--set', 'oidc.algorithm=HS256', '--set', 'oidc.clientSecret=x']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('oidc.algorithm "HS256" is not supported');
  });

  it('requires Secret for custom server CA', () => {
    const run = runHelmTemplate(['--set', 'datastores.postgres.ums.serverVerificationCustomCertChain=true']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('datastores.postgres.ums.serverCertChainSecretName is required');
  });

  it('workflows and telemetry reach config', () => {
    const rendered = render('--set', 'workflows.enabled=true', '--set', 'workflows.jobs.enabled=true', '--set', 'opentelemetry.enabled=true', '--set', 'opentelemetry.url=http://collector:4318');
    const config = rendered.config();
    expect(config.WORKFLOWS_ENABLED).toBe('true');
    expect(config.WORKFLOWS_JOBS_ENABLED).toBe('true');
    expect(config.OTEL_SDK_DISABLED).toBe('false');
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');

    const workflows = rendered.get<ConfigMap>('ConfigMap', 'platform-configmap-workflows-controller').data?.artifactRepository ?? '';
    expect((yaml.load(workflows) as { s3: { endpoint: string } }).s3.endpoint).toBe('platform-minio:9000');
  });
});

/** What each published values file must change in the output, by file name. */
const PUBLISHED_EXPECTATIONS: Record<string, (rendered: Rendered, values: Record<string, unknown>) => void> = {
  'howso-platform-airgap.yaml': (rendered) => {
    const images = rendered.images();
    expect(images.length).toBeGreaterThan(DEPLOYMENTS.length);
    for (const image of images) expect(image).toMatch(/^registry-localhost:5000\/[^/]+$/);
    expect(images).toContain('registry-localhost:5000/pause:3.9');
  },

  'howso-platform-alb-ingress.yaml': (rendered) => {
    for (const ingress of rendered.all<Ingress>('Ingress')) expect(ingress.spec?.ingressClassName, ingress.metadata?.name).toBe('alb');
    const annotationsOf = (name: string) => rendered.get<Ingress>('Ingress', name).metadata?.annotations ?? {};
    expect(annotationsOf('platform-ums')['alb.ingress.kubernetes.io/group.order']).toBe('1');
    expect(annotationsOf('platform-api-v3')['alb.ingress.kubernetes.io/group.order']).toBe('2');
    expect(annotationsOf('platform-ui-v2')['alb.ingress.kubernetes.io/load-balancer-name']).toBe('howso-platform-ui-alb');
    expect(annotationsOf('platform-pypi')['alb.ingress.kubernetes.io/load-balancer-name']).toBe('howso-platform-pypi-alb');
    expect(rendered.get<Service>('Service', 'platform-ui-v2').metadata?.annotations?.['alb.ingress.kubernetes.io/healthcheck-path']).toBe('/ui-health');
    expect(rendered.get<Service>('Service', 'platform-pypi').metadata?.annotations?.['alb.ingress.kubernetes.io/success-codes']).toBe('200');
  },

  'howso-platform-app-tls.yaml': (rendered) => {
    expect(rendered.all<Ingress>('Ingress')).toEqual([]);
    for (const name of SERVICES) {
      expect(rendered.get<Service>('Service', name).spec?.ports, name).toMatchObject([{ name: 'https', port: 8443, targetPort: 'https' }]);
      const sidecar = rendered.container(name, 'nginx-tls');
      expect(sidecar.ports?.[0].containerPort, name).toBe(8443);
      const secretVolume = rendered.podSpec(name).volumes?.find((volume) => volume.name === 'server-tls');
      expect(secretVolume?.secret?.secretName, name).toBe(`${name}-server-tls`);
    }
    const nginx = rendered.get<ConfigMap>('ConfigMap', 'platform-nginx-tls').data ?? {};
    expect(nginx['user-management-service.conf']).toContain('proxy_pass http://127.0.0.1:8000;');
    expect(nginx['platform-ui.conf']).toContain('listen 8443 ssl;');
  },

  'howso-platform-basic.yaml': (rendered) => {
    for (const image of rendered.images()) {
      if (image.startsWith('registry.k8s.io/pause:')) continue;
      expect(image).toMatch(/^proxy\.replicated\.com\/proxy\/howso-platform\/dpbuild-docker-edge\.jfrog\.io\/dp\/[^/]+$/);
    }
    expect(rendered.ingressHosts()).toContain('www.local.howso.com');
  },

  'howso-platform-custom-domain.yaml': (rendered) => {
    expect([...rendered.ingressHosts()].sort()).toEqual(
      [
        'howso-www.howso-platform.example.com',
        'howso-presigned.howso-platform.example.com',
        'howso-api.howso-platform.example.com',
        'howso-auth.howso-platform.example.com',
        'howso-pypi.howso-platform.example.com',
      ].sort(),
    );
    expect(rendered.config().PLATFORM_UMS_URL).toBe('https://howso-auth.howso-platform.example.com');
    expect(rendered.config().PLATFORM_REDIRECT_PARENT_DOMAIN).toBe('false');
  },

  'howso-platform-custom-ingress-cert.yaml': (rendered) => {
    for (const ingress of rendered.all<Ingress>('Ingress')) {
      expect(ingress.spec?.tls?.map((tls) => tls.secretName), ingress.metadata?.name).toEqual(['platform-custom-ingress-tls']);
    }
    const env = new Map((rendered.podSpecs().get('Job/platform-cert-generation-initial')?.containers[0].env ?? []).map((variable) => [variable.name, variable.value]));
    expect(env.get('SIGN_INGRESS_CERT')).toBe('false');
  },

  'howso-platform-external-postgres-require.yaml': (rendered) => {
    const env = rendered.env('platform-ums', 'ums');
    expect(env.get('PGHOST')?.value).toBe('${PGHOST}');
    expect(env.get('PGPORT')?.value).toBe('${PGPORT}');
    expect(env.get('PGSSLMODE')?.value).toBe('require');
    expect(env.has('PGSSLROOTCERT')).toBe(false);
    expect(env.get('PGPASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'platform-datastores', key: 'postgres-ums-password' });
    expect(decode(rendered.get<Secret>('Secret', 'platform-datastores'), 'postgres-ums-password')).toBe('${PGPASSWORD}');
    expect(rendered.env('platform-api-v3', 'api').get('PGSSLMODE')?.value).toBe('prefer');
  },

  'howso-platform-external-postgres-verify-ca.yaml': (rendered) => {
    const env = rendered.env('platform-ums', 'ums');
    expect(env.get('PGSSLMODE')?.value).toBe('verify-ca');
    expect(env.get('PGSSLROOTCERT')?.value).toBe('/etc/platform/postgres/ums/server-ca/ca.crt');
    expect(env.has('PGSSLCERT')).toBe(false);
    const volume = rendered.podSpec('platform-ums').volumes?.find((candidate) => candidate.name === 'postgres-ums-server-ca');
    expect(volume?.secret?.secretName).toBe('platform-postgres-certchain');
    const mount = rendered.container('platform-ums', 'ums').volumeMounts?.find((candidate) => candidate.name === 'postgres-ums-server-ca');
    expect(mount?.mountPath).toBe('/etc/platform/postgres/ums/server-ca');
  },

  'howso-platform-oidc.yaml': (rendered, values) => {
    const oidc = values.oidc as Record<string, string>;
    const env = rendered.env('platform-ums', 'ums');
    expect(env.get('OIDC_ENABLED')?.value).toBe('true');
    expect(env.get('OIDC_CLIENT_ID')?.value).toBe(oidc.clientID);
    expect(env.get('OIDC_ALGORITHM')?.value).toBe('RS256');
    expect(env.get('OIDC_JWKS_ENDPOINT')?.value).toBe(oidc.jwksEndpoint);
    expect(env.get('OIDC_AUTHORIZE_ENDPOINT')?.value).toBe(oidc.authorizeEndpoint);
    expect(env.get('OIDC_TOKEN_ENDPOINT')?.value).toBe(oidc.tokenEndpoint);
    expect(env.get('OIDC_USERINFO_ENDPOINT')?.value).toBe(oidc.userinfoEndpoint);
    expect(env.get('OIDC_SCOPES')?.value).toBe(oidc.scopes);
    expect(env.get('OIDC_CLIENT_SECRET')?.valueFrom?.secretKeyRef).toEqual({ name: 'platform-ums', key: 'oidc-client-secret' });
    expect(decode(rendered.get<Secret>('Secret', 'platform-ums'), 'oidc-client-secret')).toBe(oidc.clientSecret);
  },

  'howso-platform-openshift.yaml': (rendered) => {
    expect(rendered.all('CustomResourceDefinition')).toEqual([]);
    expect(rendered.has('Deployment', 'platform-operator')).toBe(true);
  },
};

describe('example chart with published values', () => {
  const files = existsSync(publishedValues) ? readdirSync(publishedValues).filter((name) => /^howso-platform-.*\.ya?ml$/.test(name)).sort() : [];
  const defaults = loadValues(path.join(chart, 'values.yaml'));

  it('has an expectation for every file', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files).toEqual(Object.keys(PUBLISHED_EXPECTATIONS).sort());
  });

  for (const name of files) {
    const file = path.join(publishedValues, name);

    it(`${name}: every key is a chart value`, () => {
      const unknown = leafPaths(loadValues(file)).filter((key) => !hasPath(defaults, key));
      expect(unknown).toEqual([]);
    });

    it(`${name}: renders and is honoured`, () => {
      const rendered = renderWith(file);
      for (const deployment of DEPLOYMENTS) expect(rendered.has('Deployment', deployment), deployment).toBe(true);
      PUBLISHED_EXPECTATIONS[name]?.(rendered, loadValues(file));
    });
  }
});
