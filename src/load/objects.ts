import { isRecord, stringMap, text, type Json } from '../model/access.js';
import { groupOf, type PathSegment, type Resource, type SourceRef, type ValuesDocument } from '../model/resource.js';
import type { ParsedDocument } from './documents.js';
import type { KindRegistry } from './kinds.js';
import type { InputProblem } from './problems.js';

/** An object that has a kind and a name but no namespace yet: that needs the CRDs of all inputs. */
export interface RawObject {
  body: Json;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  source: SourceRef;
}

export interface Classified {
  objects: RawObject[];
  values: ValuesDocument[];
  problems: InputProblem[];
}

/**
 * Sorts parsed documents into Kubernetes objects (with `List` items expanded), Helm values
 * documents (a mapping without `apiVersion`, `kind` or `metadata`) and problems.
 */
export function classifyDocuments(documents: ParsedDocument[], file: string, extra: Partial<SourceRef> = {}, into?: Classified): Classified {
  const out: Classified = into ?? { objects: [], values: [], problems: [] };
  for (const parsed of documents) {
    const document = parsed.document;
    const source: SourceRef = { ...extra, file, line: document.contentLine, documentIndex: document.index };
    if (!parsed.ok) {
      out.problems.push({ code: 'parse-error', message: parsed.message, file, line: parsed.line, documentIndex: document.index });
      continue;
    }
    const value = parsed.value;
    if (value === null || value === undefined) continue;
    if (!isRecord(value)) {
      const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
      out.problems.push({ code: 'invalid-object', message: `document is ${what}, not a Kubernetes object or a values mapping`, file, line: source.line, documentIndex: document.index });
      continue;
    }
    if (!('apiVersion' in value) && !('kind' in value) && !('metadata' in value)) {
      out.values.push({ data: value, source });
      continue;
    }
    addObject(value, source, [], out);
  }
  return out;
}

function addObject(value: Json, source: SourceRef, itemPath: PathSegment[], out: Classified): void {
  const where = itemPath.length > 0 ? ` (item ${itemPath[1]} of the list)` : '';
  const fail = (message: string): void => {
    out.problems.push({ code: 'invalid-object', message: message + where, file: source.file, line: source.line, documentIndex: source.documentIndex });
  };

  const kind = text(value.kind);
  const apiVersion = text(value.apiVersion);
  if (!kind) {
    if (value.kind === undefined) return fail('object has no kind');
    return fail(value.kind === '' ? 'kind is empty' : 'kind is not a string');
  }
  if (!apiVersion) return fail(`${kind} has no apiVersion`);

  if (kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, index) => {
      const path: PathSegment[] = [...itemPath, 'items', index];
      if (!isRecord(item)) {
        out.problems.push({ code: 'invalid-object', message: `item ${index} of the ${kind} is not an object`, file: source.file, line: source.line, documentIndex: source.documentIndex });
        return;
      }
      addObject(withListItemType(item, kind, apiVersion), { ...source, itemPath: path }, path, out);
    });
    return;
  }

  const metadata = value.metadata;
  if (!isRecord(metadata)) return fail(`${kind} has no metadata`);
  const name = text(metadata.name) ?? text(metadata.generateName);
  if (!name) return fail(`${kind} has no metadata.name`);
  if (metadata.namespace !== undefined && metadata.namespace !== null && typeof metadata.namespace !== 'string') {
    // Placing it in the default namespace would audit it somewhere the API server never would.
    return fail(`${kind} ${name} has a metadata.namespace that is not a string`);
  }
  const namespace = text(metadata.namespace);
  const object: RawObject = { body: value, apiVersion, kind, name, source: itemPath.length > 0 ? { ...source, itemPath } : source };
  if (namespace) object.namespace = namespace;
  out.objects.push(object);
}

/** Learns the kinds that CustomResourceDefinitions in the input declare. */
export function registerCustomKinds(objects: RawObject[], kinds: KindRegistry): void {
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition') continue;
    const spec = object.body.spec;
    if (!isRecord(spec)) continue;
    const group = text(spec.group);
    const names = spec.names;
    const kind = isRecord(names) ? text(names.kind) : undefined;
    if (group && kind) kinds.addCustom(group, kind, spec.scope !== 'Cluster');
  }
}

/** Gives every namespaced object a namespace, as `kubectl apply -n NAMESPACE` does. */
export function toResources(objects: RawObject[], kinds: KindRegistry, defaultNamespace: string): Resource[] {
  return objects.map((object) => {
    const group = groupOf(object.apiVersion);
    const metadata = isRecord(object.body.metadata) ? object.body.metadata : {};
    const namespaced = kinds.isNamespaced(group, object.kind);
    const resource: Resource = {
      apiVersion: object.apiVersion,
      group,
      kind: object.kind,
      name: object.name,
      labels: stringMap(metadata.labels),
      annotations: stringMap(metadata.annotations),
      body: object.body,
      source: object.source,
      ...(namespaced ? { namespace: object.namespace ?? defaultNamespace } : {}),
    };
    return resource;
  });
}

/**
 * The API server returns typed lists (`PodList`, `NamespaceList`) with items that carry no
 * kind or apiVersion; the list's own kind and apiVersion imply them.
 */
function withListItemType(item: Json, listKind: string, apiVersion: string): Json {
  if (listKind === 'List' || item.kind !== undefined) return item;
  return { kind: listKind.slice(0, -'List'.length), ...(item.apiVersion === undefined ? { apiVersion } : {}), ...item };
}
