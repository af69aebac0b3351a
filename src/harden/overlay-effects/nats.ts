import { isRecord, type Json } from '../../model/access.js';
import { scanNatsConfig } from '../../profiles/nats.js';
import { addMount, addVolume, arrayAt, containersOf, kindOf, mapAt, mergeOverwrite, podTemplateOf, valueAt, type EditableObject } from './objects.js';

// What the nats-io/k8s chart (1.x, as rendered at 2.14.2) does with the values the bundle sets.
// Only the parts that the NATS profile and the mesh checks read are modelled: the merge of the
// Service and pod template, the tls blocks of nats.conf, the certificate volume and mounts, and
// the appProtocol of the client port. The README applies the overlay with `helm upgrade
// --reuse-values`, so a tls block the release already has keeps its other settings (verify).

/** The TLS blocks of the chart's config and the folder each one mounts its Secret at (chart defaults). */
const TLS_BLOCKS = [
  { values: ['config', 'nats', 'tls'], config: [] as string[], dir: '/etc/nats-certs/nats', volume: 'nats-tls' },
  { values: ['config', 'cluster', 'tls'], config: ['cluster'], dir: '/etc/nats-certs/cluster', volume: 'cluster-tls' },
  { values: ['config', 'leafnode', 'tls'], config: ['leafnodes'], dir: '/etc/nats-certs/leafnode', volume: 'leafnode-tls' },
];

function isServerObject(object: EditableObject): boolean {
  return mapAt(object, ['metadata', 'labels'])['app.kubernetes.io/component'] === 'nats';
}

/** Applies a NATS values overlay to the rendered objects of its release. */
export function applyNatsOverlay(objects: EditableObject[], values: Json): void {
  const serviceMerge = valueAt(values, ['service', 'merge']);
  const podMerge = valueAt(values, ['podTemplate', 'merge']);
  for (const object of objects) {
    if (!isServerObject(object)) continue;
    const kind = kindOf(object);
    // The chart merges service.merge into the client Service only; the headless Service has headlessService.merge.
    if (kind === 'Service' && isRecord(serviceMerge) && mapAt(object, ['spec']).clusterIP !== 'None') mergeOverwrite(object, serviceMerge);
    if (kind === 'StatefulSet' && isRecord(podMerge)) mergeOverwrite(mapAt(object, ['spec', 'template']), podMerge);
  }

  for (const block of TLS_BLOCKS) {
    const tls = valueAt(values, block.values);
    if (!isRecord(tls) || tls.enabled !== true || typeof tls.secretName !== 'string') continue;
    const dir = typeof tls.dir === 'string' ? tls.dir : block.dir;
    const settings: Json = {
      cert_file: `${dir}/${typeof tls.cert === 'string' ? tls.cert : 'tls.crt'}`,
      key_file: `${dir}/${typeof tls.key === 'string' ? tls.key : 'tls.key'}`,
    };
    if (typeof tls.ca === 'string' && tls.ca !== '') settings.ca_file = `${dir}/${tls.ca}`;
    if (isRecord(tls.merge)) mergeOverwrite(settings, tls.merge);
    for (const object of objects) {
      if (kindOf(object) === 'ConfigMap') addTlsToConfigMap(object, block.config, settings);
      if (kindOf(object) === 'StatefulSet' && isServerObject(object)) mountSecret(object, block.volume, tls.secretName, dir);
      if (kindOf(object) === 'Service' && isServerObject(object) && block.config.length === 0) markClientPortTls(object);
    }
  }
}

function addTlsToConfigMap(configMap: EditableObject, scope: string[], settings: Json): void {
  const data = mapAt(configMap, ['data']);
  const conf = data['nats.conf'];
  if (typeof conf !== 'string') return;
  data['nats.conf'] = insertTlsBlock(conf, scope, settings);
}

/**
 * Inserts a `"tls": {…}` block into the chart's JSON-like nats.conf, at the top level or at the
 * start of a named block. A tls block already there keeps its settings, with `settings` written over
 * them. The text is edited rather than parsed, because nats.conf contains NATS-only tokens such as
 * `$SERVER_NAME` and `10Gi` that no JSON parser accepts.
 */
export function insertTlsBlock(conf: string, scope: string[], settings: Json): string {
  const existing = findTlsBlock(conf, scope);
  if (existing) {
    const merged = { ...scanNatsConfig(conf.slice(existing.open, existing.close + 1)), ...settings };
    const indent = ' '.repeat(4 + 2 * scope.length);
    const body = Object.entries(merged)
      .map(([key, value]) => `${indent}${JSON.stringify(key)}: ${JSON.stringify(value)}`)
      .join(',\n');
    return `${conf.slice(0, existing.open)}{\n${body}\n${indent.slice(2)}}${conf.slice(existing.close + 1)}`;
  }
  const body = Object.entries(settings)
    .map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
    .join(',\n');
  if (scope.length === 0) {
    const end = conf.lastIndexOf('}');
    if (end < 0) return conf;
    const before = conf.slice(0, end).replace(/\s*$/, '');
    return `${before},\n  "tls": {\n${body}\n  }\n${conf.slice(end)}`;
  }
  const opening = new RegExp(`"${scope[0]}"\\s*:\\s*\\{`).exec(conf);
  if (!opening) return conf;
  const at = opening.index + opening[0].length;
  return `${conf.slice(0, at)}\n    "tls": {\n${body.replace(/^/gm, '  ')}\n    },${conf.slice(at)}`;
}

/**
 * Finds the braces of the `"tls"` block directly inside `scope` (the top level when empty), by
 * tracking the keys of the open blocks. Quoted text is skipped, so braces inside strings do not count.
 */
function findTlsBlock(conf: string, scope: string[]): { open: number; close: number } | undefined {
  const keys: (string | undefined)[] = [];
  let lastKey: string | undefined;
  let start: number | undefined;
  for (let index = 0; index < conf.length; index++) {
    const character = conf[index];
    if (character === '"') {
      const end = conf.indexOf('"', index + 1);
      if (end < 0) return undefined;
      lastKey = conf.slice(index + 1, end);
      index = end;
      continue;
    }
    if (character === '{') {
      keys.push(keys.length === 0 ? undefined : lastKey);
      const path = keys.slice(1);
      if (lastKey === 'tls' && path.length === scope.length + 1 && scope.every((key, position) => path[position] === key)) start = index;
      lastKey = undefined;
      continue;
    }
    if (character === '}') {
      const depth = keys.length;
      keys.pop();
      if (start !== undefined && depth === scope.length + 2) return { open: start, close: index };
      continue;
    }
    if (character === ',') lastKey = undefined;
  }
  return undefined;
}

function mountSecret(statefulSet: EditableObject, volume: string, secretName: string, dir: string): void {
  const template = podTemplateOf(statefulSet);
  if (!template) return;
  addVolume(template, { name: volume, secret: { secretName } });
  for (const container of containersOf(template)) {
    if (container.name !== 'nats' && container.name !== 'reloader') continue;
    addMount(container, { name: volume, mountPath: dir });
  }
}

function markClientPortTls(service: EditableObject): void {
  for (const port of arrayAt(service, ['spec', 'ports'])) {
    if (isRecord(port) && port.name === 'nats') port.appProtocol = 'tls';
  }
}
