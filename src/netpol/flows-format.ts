import type { Flow, FlowSource } from '../model/flows.js';
import { escapeLines } from '../report/escape.js';
import { shownAs, type Workload } from '../model/workloads.js';
import { workloadId } from './peers.js';

export const FLOW_FORMATS = ['text', 'json'] as const;
export type FlowFormat = (typeof FLOW_FORMATS)[number];

/** Names a workload as connlist does: `ns/name[Kind]`, with a Pod whose owner is not in the input shown as that owner. */
function workloadName(workload: Workload): string {
  const { name, kind } = shownAs(workload);
  return workloadId(workload.namespace, name, kind);
}

/** Names an end of a flow as connlist does (`ns/name[Kind]`, `{ingress-controller}`), or by namespace and labels. */
function sourceName(source: FlowSource): string {
  switch (source.type) {
    case 'workload':
      return workloadName(source.workload);
    case 'ingress-controller':
      return '{ingress-controller}';
    case 'clients':
      return `${source.namespace}/{clients not in the input}`;
    case 'pods':
      return `${source.pods.namespace}/{${labelText(source.pods.podLabels)}}`;
  }
}

function destinationName(flow: Flow): string {
  if (flow.destination) return workloadName(flow.destination);
  if (flow.destinationPods) return `${flow.destinationPods.namespace}/{${labelText(flow.destinationPods.podLabels)}}`;
  return `${flow.target.namespace}/${flow.target.service}[Service, not in the input]`;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/**
 * Writes flows as `SRC => DST : PROTOCOL PORT (app protocol, purpose)` with the reasons indented below, or as JSON.
 * Flows of several Pods of one owner read alike, so each distinct flow is written once. Names and
 * reasons come from the input, so the text form shows their control characters escaped.
 */
export function formatFlows(flows: readonly Flow[], format: FlowFormat): string {
  if (format === 'json') {
    const seen = new Set<string>();
    const rows = flows.map((flow) => ({
      source: sourceName(flow.source),
      destination: destinationName(flow),
      service: flow.service ? `${flow.service.namespace}/${flow.service.name}` : `${flow.target.namespace}/${flow.target.service}`,
      protocol: flow.protocol,
      port: flow.port,
      appProtocol: flow.appProtocol,
      purpose: flow.purpose ?? 'application',
      reasons: flow.reasons,
    }));
    const distinct = rows.filter((row) => {
      const key = JSON.stringify(row);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return JSON.stringify(distinct, null, 2) + '\n';
  }
  const blocks: string[] = [];
  const seen = new Set<string>();
  for (const flow of flows) {
    const lines = [`${sourceName(flow.source)} => ${destinationName(flow)} : ${flow.protocol} ${flow.port} (${flow.appProtocol}, ${flow.purpose ?? 'application'})`];
    for (const reason of flow.reasons) lines.push(`    because ${reason}`);
    const block = lines.join('\n') + '\n';
    if (seen.has(block)) continue;
    seen.add(block);
    blocks.push(block);
  }
  return escapeLines(blocks.join(''));
}
