import type { Flow, FlowSource } from '../model/flows.js';
import { workloadId } from './peers.js';

export const FLOW_FORMATS = ['text', 'json'] as const;
export type FlowFormat = (typeof FLOW_FORMATS)[number];

/** Names an end of a flow as connlist does (`ns/name[Kind]`, `{ingress-controller}`), or by namespace and labels. */
function sourceName(source: FlowSource): string {
  switch (source.type) {
    case 'workload':
      return workloadId(source.workload.namespace, source.workload.name, source.workload.kind);
    case 'ingress-controller':
      return '{ingress-controller}';
    case 'clients':
      return `${source.namespace}/{clients not in the input}`;
    case 'pods':
      return `${source.pods.namespace}/{${labelText(source.pods.podLabels)}}`;
  }
}

function destinationName(flow: Flow): string {
  if (flow.destination) return workloadId(flow.destination.namespace, flow.destination.name, flow.destination.kind);
  if (flow.destinationPods) return `${flow.destinationPods.namespace}/{${labelText(flow.destinationPods.podLabels)}}`;
  return `${flow.target.namespace}/${flow.target.service}[Service, not in the input]`;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** Writes flows as `SRC => DST : PROTOCOL PORT (app protocol, purpose)` with the reasons indented below, or as JSON. */
export function formatFlows(flows: readonly Flow[], format: FlowFormat): string {
  if (format === 'json') {
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
    return JSON.stringify(rows, null, 2) + '\n';
  }
  const lines: string[] = [];
  for (const flow of flows) {
    lines.push(`${sourceName(flow.source)} => ${destinationName(flow)} : ${flow.protocol} ${flow.port} (${flow.appProtocol}, ${flow.purpose ?? 'application'})`);
    for (const reason of flow.reasons) lines.push(`    because ${reason}`);
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
