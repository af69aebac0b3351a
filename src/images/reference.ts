// Container image references, parsed by the grammar of the distribution/reference Go package
// that containerd, CRI-O and Docker use:
//
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [ domain "/" ] path-component ( "/" path-component )*
//
// The first component is a registry host only when it contains "." or ":", is "localhost",
// or has an upper-case letter. Otherwise the image comes from Docker Hub (docker.io), and a
// one-component name gets the "library/" prefix of Docker's official images.

/** Registry of images whose reference names no registry. */
export const DOCKER_HUB = 'docker.io';

/** Other names of Docker Hub that mean the same registry as `docker.io`. */
const DOCKER_HUB_ALIASES = new Set(['index.docker.io', 'registry-1.docker.io']);

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** Maximum length of the name part, as distribution/reference enforces. */
const NAME_MAX_LENGTH = 255;

export interface ImageReference {
  /** Registry host in lower case, with its port: `docker.io`, `registry.example.com:5000`. */
  registry: string;
  /** Repository path inside the registry: `library/nginx`, `bitnami/postgresql`. */
  repository: string;
  tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  digest?: string;
  /** True when the reference names no registry and Docker Hub is implied. */
  implicitRegistry: boolean;
}

/** Parses an image reference, or returns undefined when it is not a valid reference. */
export function parseImageReference(value: string): ImageReference | undefined {
  if (value === '' || value !== value.trim()) return undefined;

  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  if (rest.length === 0 || rest.length > NAME_MAX_LENGTH) return undefined;

  let registry = DOCKER_HUB;
  let repository = rest;
  let implicitRegistry = true;
  const slash = rest.indexOf('/');
  if (slash >= 0 && isRegistryHost(rest.slice(0, slash))) {
    registry = rest.slice(0, slash).toLowerCase();
    repository = rest.slice(slash + 1);
    implicitRegistry = false;
    if (!DOMAIN.test(registry)) return undefined;
  }
  if (DOCKER_HUB_ALIASES.has(registry)) registry = DOCKER_HUB;
  if (!repository.split('/').every((component) => PATH_COMPONENT.test(component))) return undefined;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;

  const reference: ImageReference = { registry, repository, implicitRegistry };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return reference;
}

function isRegistryHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase();
}

/** Renders the full form: `docker.io/library/nginx:1.27@sha256:…`. */
export function formatImageReference(reference: ImageReference): string {
  let text = `${reference.registry}/${reference.repository}`;
  if (reference.tag !== undefined) text += `:${reference.tag}`;
  if (reference.digest !== undefined) text += `@${reference.digest}`;
  return text;
}

/**
 * An entry of an allowed-registry list: a host (`registry.example.com`, `registry:5000`,
 * `*.example.com` for any subdomain) with an optional repository path prefix
 * (`registry.example.com/mirror`). A scheme and trailing slashes are ignored.
 */
export interface RegistryPattern {
  host: string;
  /** Path prefix, matched on whole components: `mirror` matches `mirror/nginx`, not `mirrored/nginx`. */
  pathPrefix: string;
}

export function parseRegistryPattern(entry: string): RegistryPattern | undefined {
  const trimmed = entry
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/+$/, '');
  if (trimmed === '') return undefined;
  const slash = trimmed.indexOf('/');
  let host = (slash < 0 ? trimmed : trimmed.slice(0, slash)).toLowerCase();
  const pathPrefix = slash < 0 ? '' : trimmed.slice(slash + 1);
  if (DOCKER_HUB_ALIASES.has(host)) host = DOCKER_HUB;
  return { host, pathPrefix };
}

/** True when the registry and repository fall under the pattern. */
export function matchesRegistryPattern(pattern: RegistryPattern, registry: string, repository: string): boolean {
  if (!matchesHost(pattern.host, registry)) return false;
  if (pattern.pathPrefix === '') return true;
  return repository === pattern.pathPrefix || repository.startsWith(`${pattern.pathPrefix}/`);
}

function matchesHost(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  // A wildcard covers subdomains only, and the port must match when the pattern gives one.
  const [patternName, patternPort] = splitPort(pattern.slice(1));
  const [hostName, hostPort] = splitPort(host);
  return hostName.endsWith(patternName) && hostName.length > patternName.length && patternPort === hostPort;
}

function splitPort(host: string): [string, string | undefined] {
  const match = /^(.*?)(?::(\d+))?$/.exec(host);
  return match ? [match[1], match[2]] : [host, undefined];
}
