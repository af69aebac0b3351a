import { isRecord, list, record, text } from '../../model/access.js';
import type { IngressInfo, Inventory } from '../../model/inventory.js';
import { describeRef, type PathSegment, type Resource } from '../../model/resource.js';
import { resolveIngressClass, type Controller } from './controllers.js';
import { exposureOf, ingressRouter, ingressRoutes, traefikStaticConfig, type TraefikRouter, type TraefikStaticConfig } from './traefik.js';

/** A host that an Ingress rule or a Traefik IngressRoute route serves. */
export interface ServedHost {
  /** The Ingress or IngressRoute. */
  resource: Resource;
  /** Undefined for a rule, route or default backend that matches any host. */
  host?: string;
  /** Path of the host (or of the catch-all rule) inside the object. */
  path: PathSegment[];
  controller: Controller;
  className?: string;
  /** True when TLS is configured for the host by spec.tls, a controller annotation or a TLS entry point. */
  tls: boolean;
  /** Set for hosts that Traefik serves. */
  traefik?: TraefikRouter;
  /** The Ingress view, for Ingress objects. */
  ingress?: IngressInfo;
}

/** Message data naming a served host: `host` (`*` for a catch-all rule) and `object`. */
export function hostData(served: ServedHost): { host: string; object: string } {
  return { host: served.host ?? '*', object: describeRef(served.resource) };
}

const cache = new WeakMap<Inventory, ServedHost[]>();

/** Lists every host of every Ingress and Traefik IngressRoute in the input, once per inventory. */
export function servedHosts(inventory: Inventory): ServedHost[] {
  const cached = cache.get(inventory);
  if (cached) return cached;

  const hosts: ServedHost[] = [];
  for (const ingress of inventory.ingresses) hosts.push(...ingressHosts(inventory, ingress));
  hosts.push(...ingressRouteHosts(inventory));
  cache.set(inventory, hosts);
  return hosts;
}

function ingressHosts(inventory: Inventory, ingress: IngressInfo): ServedHost[] {
  const resolved = resolveIngressClass(inventory, ingress);
  const traefik = resolved.controller === 'traefik' ? ingressRouter(inventory, ingress.resource) : undefined;
  const staticConfig = traefikStaticConfig(inventory);
  const tlsByController = cloudTlsAnnotation(ingress.resource) || (traefik !== undefined && traefikTlsOnly(staticConfig, traefik));

  const make = (host: string | undefined, path: PathSegment[]): ServedHost => {
    const served: ServedHost = { resource: ingress.resource, path, controller: resolved.controller, tls: tlsByController || tlsCovers(ingress, host), ingress };
    if (host !== undefined) served.host = host;
    if (resolved.className !== undefined) served.className = resolved.className;
    if (traefik) served.traefik = traefik;
    return served;
  };

  const hosts: ServedHost[] = [];
  const seen = new Set<string>();
  const rules = list(record(ingress.resource.body.spec).rules);
  rules.forEach((rule, index) => {
    if (!isRecord(rule)) return;
    // An empty host means the same as none: the rule matches any host.
    const host = text(rule.host) || undefined;
    const key = host?.toLowerCase() ?? '';
    if (seen.has(key)) return;
    seen.add(key);
    hosts.push(make(host, host === undefined ? ['spec', 'rules', index] : ['spec', 'rules', index, 'host']));
  });
  // A default backend without rules serves every host.
  if (rules.length === 0) {
    const spec = record(ingress.resource.body.spec);
    if (spec.defaultBackend !== undefined) hosts.push(make(undefined, ['spec', 'defaultBackend']));
    else if (spec.backend !== undefined) hosts.push(make(undefined, ['spec', 'backend']));
  }
  return hosts;
}

function ingressRouteHosts(inventory: Inventory): ServedHost[] {
  const staticConfig = traefikStaticConfig(inventory);
  const hosts: ServedHost[] = [];
  for (const route of ingressRoutes(inventory)) {
    const tls = route.router.tls || traefikTlsOnly(staticConfig, route.router);
    const path = ['spec', 'routes', route.routeIndex, 'match'];
    const names = route.hosts.length > 0 ? route.hosts : [undefined];
    for (const host of names) {
      const served: ServedHost = { resource: route.resource, path, controller: 'traefik', tls, traefik: route.router };
      if (host !== undefined) served.host = host;
      hosts.push(served);
    }
  }
  return hosts;
}

/** True when every entry point of a Traefik router terminates TLS, so nothing is served in plain HTTP. */
function traefikTlsOnly(staticConfig: TraefikStaticConfig, router: TraefikRouter): boolean {
  const exposure = exposureOf(staticConfig, router);
  return exposure.servesTls && exposure.plainEntryPoints.length === 0 && exposure.unknownEntryPoints.length === 0;
}

/**
 * True when a spec.tls entry covers the host: listed exactly, or matched by a wildcard entry
 * (`*.example.com` covers one label). A catch-all rule is covered by an entry without hosts.
 */
export function tlsCovers(ingress: IngressInfo, host: string | undefined): boolean {
  if (host === undefined) return ingress.tls.some((entry) => entry.hosts.length === 0);
  const name = host.toLowerCase();
  return ingress.tls.some((entry) => entry.hosts.some((listed) => hostMatches(listed.toLowerCase(), name)));
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (!pattern.startsWith('*.')) return false;
  const suffix = pattern.slice(1);
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.') && host.length > suffix.length;
}

/**
 * Cloud load-balancer controllers that take certificates from annotations instead of
 * spec.tls: the AWS Load Balancer Controller (certificate-arn, or an HTTPS listener that
 * discovers ACM certificates by host) and GKE Ingress (pre-shared or managed certificates).
 */
function cloudTlsAnnotation(resource: Resource): boolean {
  const annotations = resource.annotations;
  if ((annotations['alb.ingress.kubernetes.io/certificate-arn'] ?? '').trim() !== '') return true;
  if (/"HTTPS"/i.test(annotations['alb.ingress.kubernetes.io/listen-ports'] ?? '')) return true;
  if ((annotations['ingress.gcp.kubernetes.io/pre-shared-cert'] ?? '').trim() !== '') return true;
  return (annotations['networking.gke.io/managed-certificates'] ?? '').trim() !== '';
}

/** Judges every TLS host of an ingress-nginx or Traefik route; hosts of other controllers are left undecided. */
export function judgeTlsHosts<Finding>(
  inventory: Inventory,
  judges: { nginx: (inventory: Inventory, served: ServedHost) => Finding | undefined; traefik: (inventory: Inventory, served: ServedHost) => Finding | undefined },
): Finding[] {
  const findings: Finding[] = [];
  for (const served of servedHosts(inventory)) {
    if (!served.tls) continue;
    let finding: Finding | undefined;
    if (served.controller === 'ingress-nginx') finding = judges.nginx(inventory, served);
    else if (served.controller === 'traefik') finding = judges.traefik(inventory, served);
    if (finding) findings.push(finding);
  }
  return findings;
}
