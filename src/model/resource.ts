/** Where a Resource came from: the file, the line its document starts on, and its index in the file. */
export interface SourceRef {
  /** Path as the user gave it (relative when they gave it relative), or `<stdin>`. */
  file: string;
  /** 1-based line of the first line of the document. */
  line: number;
  /** 0-based index of the document in its file. */
  documentIndex: number;
  /** Path from the document root to the object, for an item of a `kind: List`. */
  itemPath?: PathSegment[];
  /** The chart this document was rendered from, when it came from `helm template`. */
  chart?: string;
}

export type PathSegment = string | number;

export type KubeObject = Record<string, unknown>;

/** One Kubernetes object as loaded. Never mutated after loading. */
export interface Resource {
  readonly apiVersion: string;
  /** API group: `apps`, `networking.k8s.io`, or `` for the core group. */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** Set for namespaced kinds (filled from `--namespace` when the document leaves it out). */
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly body: Readonly<KubeObject>;
  readonly source: SourceRef;
}

/** A Helm values document: a mapping with no `kind`, given with `-f` or found among the inputs. */
export interface ValuesDocument {
  readonly data: Readonly<KubeObject>;
  readonly source: SourceRef;
}

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function refOf(resource: Resource): ResourceRef {
  const ref: ResourceRef = { apiVersion: resource.apiVersion, kind: resource.kind, name: resource.name };
  if (resource.namespace !== undefined) ref.namespace = resource.namespace;
  return ref;
}

/** Kubernetes' own identity of an object: group, kind, namespace and name (the version does not count). */
export function identityOf(resource: Pick<Resource, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${resource.group}/${resource.kind}/${resource.namespace ?? ''}/${resource.name}`;
}

/** Readable name: `Deployment howso/platform-ui`. */
export function describeRef(ref: { kind: string; namespace?: string; name: string }): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** Renders a path as `spec.template.spec.containers[0].securityContext`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
