import type { Flow, FlowSource } from '../model/flows.js';
import { CONTROL_CHARACTERS, escapeControl } from '../report/escape.js';
import { VERDICTS, type FlowEncryption, type Verdict } from './encryption.js';

export const MAP_FORMATS = ['text', 'json', 'dot'] as const;
export type MapFormat = (typeof MAP_FORMATS)[number];

/** Version of the JSON document. It changes only when a field is removed or changes meaning. */
export const MAP_JSON_VERSION = 1;

/** Order of the groups in the output: the flows that need work first. */
const REPORT_ORDER: readonly Verdict[] = ['plaintext', 'tls-optional', 'tls', 'mesh-mtls'];

const VERDICT_TITLES: Record<Verdict, string> = {
  plaintext: 'plaintext',
  'tls-optional': 'TLS optional',
  tls: 'TLS',
  'mesh-mtls': 'mesh mTLS',
};

/** Edge colours of the DOT graph (X11 colour names, which Graphviz accepts). */
const VERDICT_COLOURS: Record<Verdict, string> = {
  plaintext: 'red',
  'tls-optional': 'orange',
  tls: 'blue',
  'mesh-mtls': 'forestgreen',
};

/** One end of a flow in the JSON document. */
export type EndpointJson =
  | { type: 'workload'; kind: string; namespace: string; name: string; id: string }
  | { type: 'service'; namespace: string; name: string; id: string }
  | { type: 'ingress-controller'; id: string }
  | { type: 'clients'; namespace: string; id: string }
  | { type: 'pods'; name: string; namespace: string; podLabels: Record<string, string>; id: string };

/** True when the map has a flow that is plaintext or only optionally TLS. */
export function hasUnencryptedFlow(map: readonly FlowEncryption[]): boolean {
  return map.some((entry) => entry.verdict === 'plaintext' || entry.verdict === 'tls-optional');
}

/** Sorts the map by verdict (weakest first), then by client, server and port, so that output is stable. */
export function sortMap(map: readonly FlowEncryption[]): FlowEncryption[] {
  const keyed = map.map((entry) => ({ entry, key: [REPORT_ORDER.indexOf(entry.verdict), sourceOf(entry.flow.source).id, destinationOf(entry.flow).id, entry.flow.port] as const }));
  keyed.sort((a, b) => a.key[0] - b.key[0] || compareText(a.key[1], b.key[1]) || compareText(a.key[2], b.key[2]) || a.key[3] - b.key[3]);
  return keyed.map((item) => item.entry);
}

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Writes the encryption map in one of MAP_FORMATS. */
export function formatMap(map: readonly FlowEncryption[], format: MapFormat): string {
  const sorted = sortMap(map);
  if (format === 'json') return JSON.stringify(mapJson(sorted), null, 2) + '\n';
  if (format === 'dot') return mapDot(sorted);
  return mapText(sorted);
}

/** Names an end as connlist does: `ns/name[Kind]`, `{ingress-controller}`, or by namespace and labels. */
export function sourceOf(source: FlowSource): EndpointJson {
  switch (source.type) {
    case 'workload': {
      const { kind, namespace, name } = source.workload;
      return { type: 'workload', kind, namespace, name, id: `${namespace}/${name}[${kind}]` };
    }
    case 'ingress-controller':
      return { type: 'ingress-controller', id: '{ingress-controller}' };
    case 'clients':
      return { type: 'clients', namespace: source.namespace, id: `${source.namespace}/{clients not in the input}` };
    case 'pods':
      return { type: 'pods', name: source.pods.name, namespace: source.pods.namespace, podLabels: source.pods.podLabels, id: `${source.pods.namespace}/{${labelText(source.pods.podLabels)}}` };
  }
}

export function destinationOf(flow: Flow): EndpointJson {
  if (flow.destination) {
    const { kind, namespace, name } = flow.destination;
    return { type: 'workload', kind, namespace, name, id: `${namespace}/${name}[${kind}]` };
  }
  if (flow.destinationPods) {
    const pods = flow.destinationPods;
    return { type: 'pods', name: pods.name, namespace: pods.namespace, podLabels: pods.podLabels, id: `${pods.namespace}/{${labelText(pods.podLabels)}}` };
  }
  return { type: 'service', namespace: flow.target.namespace, name: flow.target.service, id: `${flow.target.namespace}/${flow.target.service}[Service, not in the input]` };
}

/** Identifies a flow by its two ends, without the port: `client -> server`. */
export function flowEnds(flow: Flow): string {
  return `${sourceOf(flow.source).id} -> ${destinationOf(flow).id}`;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

function mapJson(sorted: readonly FlowEncryption[]): unknown {
  const summary = Object.fromEntries(VERDICTS.map((verdict) => [verdict, sorted.filter((entry) => entry.verdict === verdict).length]));
  return {
    version: MAP_JSON_VERSION,
    encrypted: !hasUnencryptedFlow(sorted),
    summary,
    flows: sorted.map((entry) => {
      const { flow } = entry;
      return {
        verdict: entry.verdict,
        source: sourceOf(flow.source),
        destination: destinationOf(flow),
        service: flow.service ? `${flow.service.namespace}/${flow.service.name}` : `${flow.target.namespace}/${flow.target.service}`,
        port: flow.port,
        protocol: flow.protocol,
        appProtocol: flow.appProtocol,
        clientMesh: entry.client.mesh ?? null,
        serverMesh: entry.server.mesh ?? null,
        serverTls: entry.tls?.mode ?? null,
        serverVerified: entry.serverVerified ?? null,
        refused: entry.refused ?? null,
        evidence: entry.evidence,
        reasons: flow.reasons,
      };
    }),
  };
}

function mapText(sorted: readonly FlowEncryption[]): string {
  if (sorted.length === 0) return 'No flows found: nothing in the input names a Service, an Ingress backend or a backing chart server.\n';
  const lines: string[] = [];
  for (const verdict of REPORT_ORDER) {
    const group = sorted.filter((entry) => entry.verdict === verdict);
    if (group.length === 0) continue;
    lines.push(`${VERDICT_TITLES[verdict]} (${group.length})`);
    for (const entry of group) {
      const { flow } = entry;
      lines.push(`  ${sourceOf(flow.source).id} -> ${destinationOf(flow).id} : ${flow.protocol} ${flow.port} (${flow.appProtocol})`);
      for (const line of entry.evidence) lines.push(`      ${line}`);
    }
    lines.push('');
  }
  const counts = REPORT_ORDER.map((verdict) => `${sorted.filter((entry) => entry.verdict === verdict).length} ${VERDICT_TITLES[verdict]}`);
  lines.push(`${sorted.length} flow(s): ${counts.join(', ')}`);
  // Names and evidence come from the input, so control characters are shown escaped.
  return lines.map(escapeControl).join('\n') + '\n';
}

/** Characters a DOT string must escape: its own quote and backslash, line breaks, and control characters. */
const DOT_SPECIAL = new RegExp(`[\\\\"]|\\r?\\n|\\r|[${CONTROL_CHARACTERS}]`, 'g');

/**
 * Quotes a DOT identifier or label: backslashes, quotes and line breaks are escaped, and other
 * control characters are shown as a literal `\xNN` or `\u{NNNN}`, so the graph is safe to print on a terminal.
 */
function dotString(text: string): string {
  const escaped = text.replace(DOT_SPECIAL, (character) => {
    if (character === '\\' || character === '"') return `\\${character}`;
    if (/^(\r?\n|\r)$/.test(character)) return '\\n';
    // A backslash starts an escape in a DOT string, so the escape's own backslash is written doubled.
    return `\\${escapeControl(character)}`;
  });
  return `"${escaped}"`;
}

function mapDot(sorted: readonly FlowEncryption[]): string {
  const nodes = new Map<string, EndpointJson>();
  for (const entry of sorted) {
    const source = sourceOf(entry.flow.source);
    const destination = destinationOf(entry.flow);
    nodes.set(source.id, source);
    nodes.set(destination.id, destination);
  }
  const lines = ['digraph transport {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica"];'];
  for (const id of [...nodes.keys()].sort(compareText)) {
    const node = nodes.get(id)!;
    const outside = node.type !== 'workload';
    lines.push(`  ${dotString(id)} [label=${dotString(nodeLabel(node))}${outside ? ', style=dashed' : ''}];`);
  }
  for (const entry of sorted) {
    const { flow } = entry;
    const colour = VERDICT_COLOURS[entry.verdict];
    const label = `${flow.port}/${flow.appProtocol}`;
    lines.push(`  ${dotString(sourceOf(flow.source).id)} -> ${dotString(destinationOf(flow).id)} [label=${dotString(label)}, color=${colour}, fontcolor=${colour}, tooltip=${dotString(VERDICT_TITLES[entry.verdict])}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function nodeLabel(node: EndpointJson): string {
  switch (node.type) {
    case 'workload':
      return `${node.kind}\n${node.namespace}/${node.name}`;
    case 'service':
      return `Service ${node.namespace}/${node.name}\n(server not in the input)`;
    case 'ingress-controller':
      return 'ingress controller';
    case 'clients':
      return `clients in ${node.namespace}\n(not in the input)`;
    case 'pods':
      return `${node.name}\n${node.namespace}`;
  }
}
