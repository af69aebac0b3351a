import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../../src/audit.js';
import { auditFiles, CORPUS } from '../../support/audit.js';

async function auditYaml(yaml: string): Promise<AuditResult> {
  return auditFiles(['-'], { readStdin: async () => yaml });
}

function findingsOf(result: AuditResult, checkId: string) {
  return result.findings.filter((finding) => finding.checkId === checkId);
}

function ingress(options: { name?: string; className?: string; annotations?: Record<string, string>; hosts?: string[]; tlsHosts?: string[]; secretName?: string }): string {
  const { name = 'platform', className, annotations = {}, hosts = ['www.local.howso.com'], tlsHosts = hosts, secretName = 'platform-ingress-tls' } = options;
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: howso
  annotations: ${JSON.stringify(annotations)}
spec:
${className ? `  ingressClassName: ${className}\n` : ''}  tls: ${JSON.stringify(tlsHosts.length > 0 ? [{ hosts: tlsHosts, secretName }] : [])}
  rules: ${JSON.stringify(hosts.map((host) => ({ host })))}
---
`;
}

function nginxController(args: string[], name = 'ingress-nginx-controller'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ingress-nginx}
spec:
  template:
    spec:
      containers:
        - name: controller
          image: registry.k8s.io/ingress-nginx/controller:v1.12.1
          args: ${JSON.stringify(['/nginx-ingress-controller', ...args])}
---
`;
}

function configMap(name: string, data: Record<string, string>, labelled = false): string {
  const labels = labelled ? '\n  labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}' : '';
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ingress-nginx${labels}
data: ${JSON.stringify(data)}
---
`;
}

function ingressClass(name: string, controller: string, isDefault = false): string {
  const annotations = isDefault ? '\n  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}' : '';
  return `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: ${name}${annotations}
spec:
  controller: ${controller}
---
`;
}

describe('ingress/host-without-tls', () => {
  it('names host and its path', async () => {
    const findings = findingsOf(await auditYaml(ingress({ className: 'nginx', hosts: ['a.example.com', 'b.example.com'], tlsHosts: ['a.example.com'] })), 'ingress/host-without-tls');
    expect(findings.map((finding) => [finding.messageId, finding.data.host, finding.data.object, finding.path])).toEqual([['host', 'b.example.com', 'Ingress howso/platform', 'spec.rules[1].host']]);
  });

  it('covers one label with a wildcard', async () => {
    const yaml = ingress({ hosts: ['a.example.com', 'a.b.example.com'], tlsHosts: ['*.example.com'] });
    expect(findingsOf(await auditYaml(yaml), 'ingress/host-without-tls').map((finding) => finding.data.host)).toEqual(['a.b.example.com']);
  });

  it('reports a catch-all default backend', async () => {
    const yaml = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: fallback, namespace: howso}\nspec:\n  defaultBackend:\n    service: {name: ui, port: {number: 80}}\n';
    const [finding] = findingsOf(await auditYaml(yaml), 'ingress/host-without-tls');
    expect(finding.messageId).toBe('catchAll');
    expect(finding.path).toBe('spec.defaultBackend');
  });

  it('names IngressRoute plain entry point', async () => {
    const yaml = 'apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {name: pypi, namespace: howso}\nspec:\n  routes:\n    - match: Host(`pypi.example.com`, `files.example.com`) && PathPrefix(`/simple`)\n      kind: Rule\n';
    const findings = findingsOf(await auditYaml(yaml), 'ingress/host-without-tls');
    expect(findings.map((finding) => [finding.messageId, finding.data.host, finding.data.entryPoints, finding.path])).toEqual([
      ['route', 'files.example.com', 'web', 'spec.routes[0].match'],
      ['route', 'pypi.example.com', 'web', 'spec.routes[0].match'],
    ]);
  });

  it('skips unknown entry points', async () => {
    const yaml = 'apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {name: internal, namespace: howso}\nspec:\n  entryPoints: [internal]\n  routes:\n    - match: Host(`internal.example.com`)\n';
    expect(findingsOf(await auditYaml(yaml), 'ingress/host-without-tls')).toEqual([]);
  });
});

describe('ingress/tls-secret-missing', () => {
  it('gives a concrete fix', async () => {
    const [finding] = findingsOf(await auditYaml(ingress({ className: 'nginx', secretName: 'custom-tls' })), 'ingress/tls-secret-missing');
    expect(finding.messageId).toBe('missing');
    expect(finding.data).toEqual({ secret: 'custom-tls', object: 'Ingress howso/platform' });
    expect(finding.path).toBe('spec.tls[0].secretName');
    expect(finding.remediation).toContain('Create Secret howso/custom-tls of type kubernetes.io/tls');
  });

  it('accepts Opaque Secret with TLS keys', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: platform-ingress-tls, namespace: howso}\ntype: Opaque\ndata: {tls.crt: "", tls.key: ""}\n---\n';
    expect(findingsOf(await auditYaml(secret + ingress({})), 'ingress/tls-secret-missing')).toEqual([]);
  });

  it('does not look in other namespaces', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: platform-ingress-tls, namespace: default}\ntype: kubernetes.io/tls\ndata: {tls.crt: "", tls.key: ""}\n---\n';
    expect(findingsOf(await auditYaml(secret + ingress({})), 'ingress/tls-secret-missing').map((finding) => finding.messageId)).toEqual(['missing']);
  });

  it('rates tls-acme low', async () => {
    const [finding] = findingsOf(await auditYaml(ingress({ annotations: { 'kubernetes.io/tls-acme': 'true' } })), 'ingress/tls-secret-missing');
    expect(finding.messageId).toBe('defaultIssuer');
    expect(finding.severity).toBe('low');
  });
});

describe('ingress/no-https-redirect', () => {
  it('points at the disabling annotation', async () => {
    const [finding] = findingsOf(await auditYaml(ingress({ className: 'nginx', annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'False' } })), 'ingress/no-https-redirect');
    expect(finding.messageId).toBe('nginxAnnotation');
    expect(finding.data.value).toBe('False');
    expect(finding.path).toBe('metadata.annotations["nginx.ingress.kubernetes.io/ssl-redirect"]');
  });

  it('ignores unparseable annotation', async () => {
    const yaml = ingress({ className: 'nginx', annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'nope' } });
    expect(findingsOf(await auditYaml(yaml), 'ingress/no-https-redirect')).toEqual([]);
  });

  it('reads ConfigMap named by controller', async () => {
    const yaml = nginxController(['--configmap=$(POD_NAMESPACE)/custom-config']) + configMap('custom-config', { 'ssl-redirect': 'false' }) + ingress({ className: 'nginx' });
    const [finding] = findingsOf(await auditYaml(yaml), 'ingress/no-https-redirect');
    expect(finding.messageId).toBe('nginxConfigMap');
    expect(finding.data.configMap).toBe('ConfigMap ingress-nginx/custom-config');
    expect(finding.remediation).toContain('ssl-redirect: "true"');
  });

  it('lets ConfigMap force-ssl-redirect win', async () => {
    const yaml = configMap('ingress-nginx-controller', { 'ssl-redirect': 'false', 'force-ssl-redirect': 'true' }, true) + ingress({ className: 'nginx' });
    expect(findingsOf(await auditYaml(yaml), 'ingress/no-https-redirect')).toEqual([]);
  });

  it('rates unparseable ConfigMap value low', async () => {
    const yaml = configMap('ingress-nginx-controller', { 'ssl-redirect': 'maybe' }, true) + ingress({ className: 'nginx' });
    const [finding] = findingsOf(await auditYaml(yaml), 'ingress/no-https-redirect');
    expect(finding.messageId).toBe('nginxUnknown');
    expect(finding.severity).toBe('low');
  });

  it('honours the annotations prefix', async () => {
    const controller = nginxController(['--annotations-prefix=custom.io']);
    const custom = ingress({ name: 'custom', className: 'nginx', annotations: { 'custom.io/ssl-redirect': 'false' } });
    const standard = ingress({ name: 'standard', className: 'nginx', annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' } });
    const findings = findingsOf(await auditYaml(controller + custom + standard), 'ingress/no-https-redirect');
    expect(findings.map((finding) => finding.data.object)).toEqual(['Ingress howso/custom']);
  });

  it('matches controllers by ingress class', async () => {
    const yaml =
      nginxController(['--ingress-class=internal', '--configmap=ingress-nginx/internal'], 'internal') +
      nginxController(['--ingress-class=nginx', '--configmap=ingress-nginx/public'], 'public') +
      configMap('internal', { 'ssl-redirect': 'false' }) +
      configMap('public', {}) +
      ingress({ name: 'a', className: 'internal' }) +
      ingress({ name: 'b', className: 'nginx' });
    // The class name internal maps to no controller unless an IngressClass names one.
    expect(findingsOf(await auditYaml(yaml), 'ingress/no-https-redirect')).toEqual([]);
    const withClass = ingressClass('internal', 'k8s.io/ingress-nginx') + yaml;
    expect(findingsOf(await auditYaml(withClass), 'ingress/no-https-redirect').map((finding) => finding.data.object)).toEqual(['Ingress howso/a']);
  });

  it('uses the default IngressClass', async () => {
    const yaml = ingressClass('public', 'k8s.io/ingress-nginx', true) + ingress({ annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' } });
    expect(findingsOf(await auditYaml(yaml), 'ingress/no-https-redirect').map((finding) => finding.messageId)).toEqual(['nginxAnnotation']);
  });

  it('skips NGINX Inc controller', async () => {
    const yaml = ingressClass('nginx', 'nginx.org/ingress-controller') + ingress({ className: 'nginx', annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' } });
    expect(findingsOf(await auditYaml(yaml), 'ingress/no-https-redirect')).toEqual([]);
  });

  it('names the plain Traefik entry point', async () => {
    const [finding] = findingsOf(await auditYaml(ingress({ className: 'traefik' })), 'ingress/no-https-redirect');
    expect(finding.messageId).toBe('traefik');
    expect(finding.data.entryPoints).toBe('web');
  });

  it('reports middlewares outside the input', async () => {
    const yaml = ingress({ className: 'traefik', annotations: { 'traefik.ingress.kubernetes.io/router.middlewares': 'traefik-redirect@file' } });
    const [finding] = findingsOf(await auditYaml(yaml), 'ingress/no-https-redirect');
    expect(finding.messageId).toBe('traefikUnknownMiddleware');
    expect(finding.severity).toBe('low');
    expect(finding.data.middlewares).toBe('traefik-redirect@file');
  });

  it('passes Traefik router on websecure', async () => {
    const yaml = ingress({ className: 'traefik', annotations: { 'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure' } });
    expect(findingsOf(await auditYaml(yaml), 'ingress/no-https-redirect')).toEqual([]);
  });
});

describe('ingress/no-hsts', () => {
  it('names ConfigMap turning HSTS off', async () => {
    const yaml = configMap('ingress-nginx-controller', { hsts: 'false' }, true) + ingress({ className: 'nginx' });
    const [finding] = findingsOf(await auditYaml(yaml), 'ingress/no-hsts');
    expect(finding.messageId).toBe('nginxOff');
    expect(finding.data.configMap).toBe('ConfigMap ingress-nginx/ingress-nginx-controller');
    expect(finding.path).toBe('spec.rules[0].host');
  });

  it('rates unparseable max-age info', async () => {
    const yaml = configMap('ingress-nginx-controller', { 'hsts-max-age': '1y' }, true) + ingress({ className: 'nginx' });
    const [finding] = findingsOf(await auditYaml(yaml), 'ingress/no-hsts');
    expect(finding.messageId).toBe('nginxUnknown');
    expect(finding.data.key).toBe('hsts-max-age');
    expect(finding.severity).toBe('info');
  });

  it('counts snippets only when allowed', async () => {
    const snippet = { 'nginx.ingress.kubernetes.io/configuration-snippet': 'more_set_headers "Strict-Transport-Security: max-age=31536000";' };
    const denied = configMap('ingress-nginx-controller', { hsts: 'false' }, true) + ingress({ className: 'nginx', annotations: snippet });
    expect(findingsOf(await auditYaml(denied), 'ingress/no-hsts').map((finding) => finding.messageId)).toEqual(['nginxOff']);
    const allowed = configMap('ingress-nginx-controller', { hsts: 'false', 'allow-snippet-annotations': 'true' }, true) + ingress({ className: 'nginx', annotations: snippet });
    expect(findingsOf(await auditYaml(allowed), 'ingress/no-hsts')).toEqual([]);
  });

  it('skips hosts without TLS', async () => {
    const yaml = configMap('ingress-nginx-controller', { hsts: 'false' }, true) + ingress({ className: 'nginx', tlsHosts: [] });
    expect(findingsOf(await auditYaml(yaml), 'ingress/no-hsts')).toEqual([]);
  });

  it('reports Traefik router without headers', async () => {
    const [finding] = findingsOf(await auditYaml(ingress({ className: 'traefik' })), 'ingress/no-hsts');
    expect(finding.messageId).toBe('traefik');
    expect(finding.data.host).toBe('www.local.howso.com');
  });
});

// The Traefik IngressRoutes of the platform's installation examples serve only on websecure
// with TLS, name a Secret the platform chart creates at run time, and add no HSTS header.
describe('ingress on the realworld manifests', () => {
  const manifests = path.join(CORPUS, 'realworld', 'manifests');

  it('pins the findings', async () => {
    const result = await auditFiles([manifests], { namespace: 'howso' });
    expect(findingsOf(result, 'ingress/host-without-tls')).toEqual([]);
    expect(findingsOf(result, 'ingress/no-https-redirect')).toEqual([]);

    const missing = findingsOf(result, 'ingress/tls-secret-missing');
    expect(missing.map((finding) => finding.data.object).sort()).toEqual([
      'IngressRoute howso/platform-api-v3',
      'IngressRoute howso/platform-pypi',
      'IngressRoute howso/platform-ui-v2',
      'IngressRoute howso/platform-ums-api',
      'IngressRoute howso/platform-ums-management',
    ]);
    expect(new Set(missing.map((finding) => finding.data.secret))).toEqual(new Set(['platform-ingress-tls']));

    const hsts = findingsOf(result, 'ingress/no-hsts').map((finding) => `${finding.data.object} ${finding.data.host} ${finding.path}`);
    expect(hsts.sort()).toEqual([
      'IngressRoute howso/platform-api-v3 api.local.howso.com spec.routes[0].match',
      'IngressRoute howso/platform-api-v3 api.local.howso.com spec.routes[1].match',
      'IngressRoute howso/platform-pypi pypi.local.howso.com spec.routes[0].match',
      'IngressRoute howso/platform-ui-v2 local.howso.com spec.routes[0].match',
      'IngressRoute howso/platform-ui-v2 presigned.local.howso.com spec.routes[1].match',
      'IngressRoute howso/platform-ui-v2 www.local.howso.com spec.routes[0].match',
      'IngressRoute howso/platform-ums-api api.local.howso.com spec.routes[0].match',
      'IngressRoute howso/platform-ums-management management.local.howso.com spec.routes[0].match',
    ]);
  });
});

describe('ingress/tls-secret-missing with a certificate Job', () => {
  it('rates Job-named Secret low', async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: platform-cert-generation-initial, namespace: howso}
spec:
  template:
    spec:
      containers:
        - name: cert-generation
          image: "registry.example.com/cert-generator:1.0.18"
          env:
            - {name: INGRESS_SECRET, value: platform-ingress-tls}
---
`;
    const [finding] = findingsOf(await auditYaml(job + ingress({})), 'ingress/tls-secret-missing');
    expect(finding.messageId).toBe('createdByJob');
    expect(finding.severity).toBe('low');
    expect(finding.data.job).toBe('Job howso/platform-cert-generation-initial');
  });

  it('ignores a Job in another namespace', async () => {
    const job = 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: certs, namespace: other}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: "x:1", args: ["--secret=platform-ingress-tls"]}]\n---\n';
    const [finding] = findingsOf(await auditYaml(job + ingress({})), 'ingress/tls-secret-missing');
    expect(finding.messageId).toBe('missing');
  });
});

describe('ingress checks on malformed objects', () => {
  it('run without failing', async () => {
    const yaml = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: odd, namespace: howso, annotations: {traefik.ingress.kubernetes.io/router.middlewares: 5}}
spec:
  ingressClassName: [nginx]
  tls: [null, 3, {hosts: [1, null], secretName: 7}]
  rules: [null, "x", {host: 5}, {host: "", http: {paths: "none"}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: odd-traefik, namespace: howso}
spec:
  ingressClassName: traefik
  tls: {hosts: a}
  rules: {host: a}
  defaultBackend: 3
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: odd, namespace: howso}
spec:
  entryPoints: web
  tls: {secretName: [x]}
  routes: [null, {match: 5, middlewares: [null, {name: 3}, "x"]}, {match: "Host(\`a\`", middlewares: {name: x}}]
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: loop, namespace: howso}
spec:
  chain: {middlewares: [{name: loop}, {name: loop@kubernetescrd}]}
  headers: {stsSeconds: "-5"}
  redirectScheme: {scheme: 5}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx, labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}}
data: [1, 2]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: odd, namespace: howso}
spec:
  template:
    spec:
      containers: [{name: c, image: "traefik:v3", args: [null, 3, "--entrypoints.web.http.tls", "--configmap"]}]
`;
    const result = await auditFiles(['-'], { readStdin: async () => yaml, checkOptions: { allowedRegistries: ['registry.example.com'] } });
    const outcomes = result.outcomes.filter((outcome) => outcome.id.startsWith('ingress/'));
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) expect(outcome, outcome.id).toMatchObject({ status: 'ran' });
  });
});
