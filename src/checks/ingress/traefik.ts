import { isRecord, list, num, record, records, text } from '../../model/access.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { parseFlags } from './controllers.js';

// Traefik routing as far as redirects, TLS and HSTS go. A router serves on its entry points,
// and with router TLS it accepts only TLS connections. Entry points come from Traefik's static
// configuration (command-line flags of its Deployment). When no workload in the input sets
// entry point flags, the Traefik Helm chart's defaults are assumed: `web` (port 80) is plain
// HTTP without redirection, `websecure` (port 443) terminates TLS, and routers that name no
// entry point attach to both.

export const TRAEFIK_GROUPS = new Set(['traefik.io', 'traefik.containo.us']);
const ANNOTATION = 'traefik.ingress.kubernetes.io/';
/** Entry points of the Helm chart that are not for routed traffic (dashboard, metrics). */
const INTERNAL_ENTRY_POINTS = new Set(['traefik', 'metrics']);
const MAX_CHAIN_DEPTH = 8;

export type EntryPointKind = 'tls' | 'plain' | 'unknown';

interface EntryPoint {
  tls: boolean;
  asDefault: boolean;
  /** Target of entry-point redirection (`http.redirections.entryPoint.to`). */
  redirectTo?: string;
  /** Middlewares attached to every router on the entry point, as `namespace-name@provider`. */
  middlewares: string[];
}

export interface TraefikStaticConfig {
  /** True when a Traefik workload in the input defines entry points with flags, so they are known. */
  known: boolean;
  /** Entry points by lower-case name. */
  entryPoints: Map<string, EntryPoint>;
}

/** A middleware named by a router, with the object it resolves to when that is in the input. */
export interface MiddlewareTarget {
  /** The reference as written, for messages. */
  label: string;
  resource?: Resource;
}

/** Router settings of a Traefik-served Ingress or IngressRoute route. */
export interface TraefikRouter {
  /** Entry points as written, or undefined when the router names none. */
  entryPoints?: string[];
  /** Router TLS, which makes the router accept TLS connections only. */
  tls: boolean;
  middlewares: MiddlewareTarget[];
}

export interface TraefikExposure {
  /** Plain-HTTP entry points the router serves on. */
  plainEntryPoints: string[];
  /** Entry points whose kind is unknown. */
  unknownEntryPoints: string[];
  /** True when some entry point of the router terminates TLS. */
  servesTls: boolean;
}

const staticCache = new WeakMap<Inventory, TraefikStaticConfig>();

/** Reads entry points from the flags of Traefik containers in the input. */
export function traefikStaticConfig(inventory: Inventory): TraefikStaticConfig {
  const cached = staticCache.get(inventory);
  if (cached) return cached;

  const config: TraefikStaticConfig = { known: false, entryPoints: new Map() };
  for (const workload of inventory.workloads) {
    for (const container of workload.containers) {
      const args = list(container.container.args).filter((arg): arg is string => typeof arg === 'string');
      const isTraefik = /(^|\/)traefik(:|@|$)/.test(container.image) || args.some((arg) => arg.toLowerCase().startsWith('--entrypoints.'));
      if (!isTraefik) continue;
      for (const [flag, value] of parseFlags(args)) readEntryPointFlag(config, flag, value);
    }
  }
  // A Traefik that reads its entry points from a configuration file is judged by the chart defaults too.
  config.known = config.entryPoints.size > 0;
  staticCache.set(inventory, config);
  return config;
}

function readEntryPointFlag(config: TraefikStaticConfig, flag: string, value: string): void {
  const match = /^entrypoints\.([^.]+)\.(.+)$/.exec(flag);
  if (!match) return;
  const [, name, setting] = match;
  let entryPoint = config.entryPoints.get(name);
  if (!entryPoint) {
    entryPoint = { tls: false, asDefault: false, middlewares: [] };
    config.entryPoints.set(name, entryPoint);
  }
  const enabled = value === '' || value.toLowerCase() === 'true';
  if (setting === 'http.tls') entryPoint.tls = enabled;
  else if (setting.startsWith('http.tls.')) entryPoint.tls = true;
  else if (setting === 'asdefault') entryPoint.asDefault = enabled;
  else if (setting === 'http.redirections.entrypoint.to' && value !== '') entryPoint.redirectTo = value;
  else if (setting === 'http.middlewares') entryPoint.middlewares.push(...splitList(value));
}

export function entryPointKind(config: TraefikStaticConfig, name: string): EntryPointKind {
  const key = name.toLowerCase();
  if (config.known) {
    const entryPoint = config.entryPoints.get(key);
    if (!entryPoint) return 'unknown';
    return entryPoint.tls ? 'tls' : 'plain';
  }
  if (key === 'websecure') return 'tls';
  if (key === 'web') return 'plain';
  return 'unknown';
}

/** Resolves the entry points a router attaches to: those it names, or the default ones. */
export function resolveEntryPoints(config: TraefikStaticConfig, declared: string[] | undefined): string[] {
  if (declared && declared.length > 0) return declared;
  if (!config.known) return ['web', 'websecure'];
  const all = [...config.entryPoints.entries()].filter(([name]) => !INTERNAL_ENTRY_POINTS.has(name));
  const defaults = all.filter(([, entryPoint]) => entryPoint.asDefault);
  return (defaults.length > 0 ? defaults : all).map(([name]) => name);
}

export function exposureOf(config: TraefikStaticConfig, router: TraefikRouter): TraefikExposure {
  const entryPoints = resolveEntryPoints(config, router.entryPoints);
  const exposure: TraefikExposure = { plainEntryPoints: [], unknownEntryPoints: [], servesTls: false };
  for (const name of entryPoints) {
    if (router.tls) {
      exposure.servesTls = true;
      continue;
    }
    const kind = entryPointKind(config, name);
    if (kind === 'tls') exposure.servesTls = true;
    else if (kind === 'plain') exposure.plainEntryPoints.push(name);
    else exposure.unknownEntryPoints.push(name);
  }
  return exposure;
}

export function entryPointRedirects(config: TraefikStaticConfig, name: string): boolean {
  return config.entryPoints.get(name.toLowerCase())?.redirectTo !== undefined;
}

export function entryPointMiddlewares(inventory: Inventory, config: TraefikStaticConfig, name: string): MiddlewareTarget[] {
  return (config.entryPoints.get(name.toLowerCase())?.middlewares ?? []).map((reference) => resolveQualifiedMiddleware(inventory, reference));
}

/** Router settings from the `traefik.ingress.kubernetes.io/router.*` annotations of an Ingress. */
export function ingressRouter(inventory: Inventory, ingress: Resource): TraefikRouter {
  const annotations = ingress.annotations;
  const entryPoints = annotations[`${ANNOTATION}router.entrypoints`];
  // Any router.tls.* option (certresolver, options, domains) turns router TLS on as well.
  const tls = annotations[`${ANNOTATION}router.tls`]?.toLowerCase() === 'true' || Object.keys(annotations).some((key) => key.startsWith(`${ANNOTATION}router.tls.`));
  const router: TraefikRouter = {
    tls,
    middlewares: splitList(annotations[`${ANNOTATION}router.middlewares`] ?? '').map((reference) => resolveQualifiedMiddleware(inventory, reference)),
  };
  if (entryPoints !== undefined) router.entryPoints = splitList(entryPoints);
  return router;
}

/** One route of an IngressRoute, with the hosts its match rule names. */
export interface IngressRouteEntry {
  resource: Resource;
  routeIndex: number;
  /** Hosts from Host(…) matchers, or none when the route matches any host. */
  hosts: string[];
  router: TraefikRouter;
}

export function ingressRoutes(inventory: Inventory): IngressRouteEntry[] {
  const entries: IngressRouteEntry[] = [];
  for (const resource of inventory.ofKind('IngressRoute')) {
    if (!TRAEFIK_GROUPS.has(resource.group)) continue;
    const spec = record(resource.body.spec);
    const entryPoints = list(spec.entryPoints).filter((name): name is string => typeof name === 'string');
    // Any tls section, even an empty one, makes the routers TLS-only.
    const tls = isRecord(spec.tls);
    list(spec.routes).forEach((route, routeIndex) => {
      if (!isRecord(route)) return;
      const router: TraefikRouter = {
        tls,
        middlewares: records(route.middlewares).map((reference) => resolveCrdMiddleware(inventory, reference, resource.namespace)),
      };
      if (entryPoints.length > 0) router.entryPoints = entryPoints;
      entries.push({ resource, routeIndex, hosts: hostsOfMatch(text(route.match) ?? ''), router });
    });
  }
  return entries;
}

/** Lists the hosts of Host(`a`, `b`) matchers in a Traefik rule. HostRegexp and HostSNI are not read. */
export function hostsOfMatch(match: string): string[] {
  const hosts: string[] = [];
  for (const call of match.matchAll(/\bHost\s*\(([^)]*)\)/g)) {
    for (const quoted of call[1].matchAll(/[`"]([^`"]+)[`"]/g)) {
      if (!hosts.includes(quoted[1])) hosts.push(quoted[1]);
    }
  }
  return hosts;
}

export interface MiddlewareEffects {
  redirectsToHttps: boolean;
  setsHsts: boolean;
  /** References that are not in the input or belong to another provider. */
  unresolved: string[];
}

/** Follows the middlewares (and chains) a router uses and reports what they do. */
export function middlewareEffects(inventory: Inventory, targets: MiddlewareTarget[]): MiddlewareEffects {
  const effects: MiddlewareEffects = { redirectsToHttps: false, setsHsts: false, unresolved: [] };
  const visited = new Set<Resource>();
  const visit = (target: MiddlewareTarget, depth: number) => {
    if (!target.resource) {
      if (!effects.unresolved.includes(target.label)) effects.unresolved.push(target.label);
      return;
    }
    if (visited.has(target.resource) || depth > MAX_CHAIN_DEPTH) return;
    visited.add(target.resource);
    const spec = record(target.resource.body.spec);
    if (text(record(spec.redirectScheme).scheme)?.toLowerCase() === 'https') effects.redirectsToHttps = true;
    const headers = record(spec.headers);
    // sslRedirect is the Traefik v2 headers option that redirects to HTTPS as well.
    if (headers.sslRedirect === true) effects.redirectsToHttps = true;
    if (positiveSeconds(headers.stsSeconds)) effects.setsHsts = true;
    for (const reference of records(record(spec.chain).middlewares)) {
      visit(resolveCrdMiddleware(inventory, reference, target.resource.namespace), depth + 1);
    }
  };
  for (const target of targets) visit(target, 0);
  return effects;
}

function positiveSeconds(value: unknown): boolean {
  const seconds = num(value) ?? (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : undefined);
  return seconds !== undefined && seconds > 0;
}

function traefikMiddlewares(inventory: Inventory): Resource[] {
  return inventory.ofKind('Middleware').filter((resource) => TRAEFIK_GROUPS.has(resource.group));
}

/** Resolves `namespace-name@kubernetescrd`, the form annotations and entry points use. */
function resolveQualifiedMiddleware(inventory: Inventory, reference: string): MiddlewareTarget {
  const at = reference.lastIndexOf('@');
  if (at < 0 || reference.slice(at + 1) !== 'kubernetescrd') return { label: reference };
  const qualified = reference.slice(0, at);
  // The namespace and the name may both contain dashes, so compare against every Middleware.
  const resource = traefikMiddlewares(inventory).find((candidate) => `${candidate.namespace ?? 'default'}-${candidate.name}` === qualified);
  return resource ? { label: reference, resource } : { label: reference };
}

/** Resolves `{name, namespace}` as IngressRoutes and chains write it, with an optional `@provider` suffix. */
function resolveCrdMiddleware(inventory: Inventory, reference: Record<string, unknown>, defaultNamespace: string | undefined): MiddlewareTarget {
  const written = text(reference.name) ?? '';
  const at = written.lastIndexOf('@');
  const label = written || '(unnamed)';
  if (at >= 0 && written.slice(at + 1) !== 'kubernetescrd') return { label };
  const name = at >= 0 ? written.slice(0, at) : written;
  const namespace = text(reference.namespace) ?? defaultNamespace ?? 'default';
  const resource = traefikMiddlewares(inventory).find((candidate) => candidate.name === name && (candidate.namespace ?? 'default') === namespace);
  return resource ? { label, resource } : { label };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
