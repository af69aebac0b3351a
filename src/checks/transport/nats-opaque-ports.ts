import { isRecord } from '../../model/access.js';
import { flowsOf } from '../../model/flows.js';
import type { Inventory } from '../../model/inventory.js';
import type { Workload } from '../../model/workloads.js';
import { NATS_CLIENT_PORT } from '../../profiles/nats.js';
import { nats } from '../../profiles/nats.js';
import { meshOfNamespace, meshOfWorkload, parsePortList, portListed } from '../../transport/mesh.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';

const OPAQUE = 'config.linkerd.io/opaque-ports';

type MessageId = 'pods' | 'service' | 'servicePodsOnly' | 'serviceNotInInput';

export default defineCheck({
  id: 'transport/nats-opaque-ports',
  severity: 'high',
  side: 'shared',
  description: `In a Linkerd mesh, the NATS Service and pods list 4222 (and 6222 when clustered) in ${OPAQUE}.`,
  rationale:
    'NATS speaks first: the server sends INFO before the client sends anything. Linkerd waits up to 10 seconds for the client\'s first bytes to detect the protocol, while NATS clients time out their connection attempt sooner by default (2 seconds in the Ruby client nats-pure), so connections through the proxy fail unless the port is declared opaque. Linkerd\'s default opaque ports (25, 587, 3306, 4444, 5432, 6379, 9300, 11211) do not include 4222 or 6222. A meshed client learns that a port is opaque from the annotation on the Service it connects to, so an unmeshed NATS needs it on the Service too.',
  remediation: `Set ${OPAQUE}: "4222" (or "4222,6222" when clustered) through the NATS chart values service.merge.metadata.annotations and podTemplate.merge.metadata.annotations.`,
  messages: {
    pods: 'NATS pods of {{workload}} are meshed by Linkerd but {{opaque}} does not list port {{port}}.',
    service: 'Service {{service}} routes to NATS port {{port}} for Linkerd-meshed clients but {{opaque}} does not list it.',
    servicePodsOnly: 'NATS pods of {{workload}} list port {{port}} in {{opaque}} but Service {{service}} does not, so Linkerd-meshed clients still wait for protocol detection.',
    serviceNotInInput: 'NATS Service {{service}} is not in the input, and Linkerd-meshed clients ({{clients}}) connect to it on port {{port}}; neither its namespace nor NATS chart values in the input list the port in {{opaque}}.',
  },
  references: [
    'https://linkerd.io/2/features/protocol-detection/',
    'https://github.com/linkerd/linkerd2/blob/main/charts/linkerd-control-plane/README.md',
    'https://docs.nats.io/reference/protocols/client',
    'https://www.rubydoc.info/gems/rubypitaya/3.12.2/NATS/IO',
  ],
  limitations: [
    'The namespace-level annotation is taken to apply to pods and Services that set none, as Linkerd does; ports given by name are not resolved.',
    'Clients are taken to be meshed when their namespace is Linkerd-injected or when a Linkerd-meshed workload in the input names the NATS Service.',
    'For a NATS Service that is not in the input, NATS chart values given as input (service.merge.metadata.annotations) count as declaring the port, whichever release they belong to.',
  ],
  run(inventory, context) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const workload of inventory.workloads) {
      if (!nats.isServer(workload)) continue;
      const namespace = inventory.namespaces.get(workload.namespace);
      const namespaceOpaque = namespace?.annotations[OPAQUE];
      const podsMeshed = meshOfWorkload(workload, inventory).mesh === 'linkerd';
      const clientsMeshed = (namespace !== undefined && meshOfNamespace(namespace).mesh === 'linkerd') || hasLinkerdClient(workload, inventory, context.profile?.name === 'howso-platform');
      if (!podsMeshed && !clientsMeshed) continue;

      const ports = nats.ports(workload).filter((port) => port.serverSpeaksFirst).map((port) => port.port);
      const fixValue = ports.join(',');
      const podList = parsePortList(workload.podAnnotations[OPAQUE] ?? namespaceOpaque);
      const workloadName = `${workload.kind} ${workload.namespace}/${workload.name}`;
      if (podsMeshed) {
        for (const port of ports) {
          if (portListed(podList, port)) continue;
          findings.push({
            messageId: 'pods',
            data: { workload: workloadName, opaque: OPAQUE, port },
            resource: workload.resource,
            path: [...workload.podMetadataPath, 'annotations'],
            fix: `Add ${OPAQUE}: "${fixValue}" to the pod template, e.g. NATS chart values podTemplate.merge.metadata.annotations.`,
          });
        }
      }
      if (!clientsMeshed) continue;
      for (const service of clientServices(workload, inventory)) {
        const listed = parsePortList(service.resource.annotations[OPAQUE] ?? namespaceOpaque);
        if (portListed(listed, NATS_CLIENT_PORT)) continue;
        const podsOnly = portListed(podList, NATS_CLIENT_PORT);
        findings.push({
          messageId: podsOnly ? 'servicePodsOnly' : 'service',
          data: podsOnly ? { workload: workloadName, service: `${service.namespace}/${service.name}`, opaque: OPAQUE, port: NATS_CLIENT_PORT } : { service: `${service.namespace}/${service.name}`, opaque: OPAQUE, port: NATS_CLIENT_PORT },
          resource: service.resource,
          path: ['metadata', 'annotations'],
          fix: `Add ${OPAQUE}: "${NATS_CLIENT_PORT}" to Service ${service.name}, e.g. NATS chart values service.merge.metadata.annotations.`,
        });
      }
    }
    findings.push(...absentServiceFindings(inventory, context.profile?.name === 'howso-platform'));
    return findings;
  },
});

/**
 * Reports NATS Services that Linkerd-meshed clients name but the input does not contain. Such a
 * client's proxy learns from the Service that the port is opaque, so the annotation must be set
 * on it through the NATS release's values, which the input may hold as a values document.
 */
function absentServiceFindings(inventory: Inventory, platformNames: boolean): FindingDraft<MessageId>[] {
  const clientsByService = new Map<string, Workload[]>();
  for (const flow of flowsOf(inventory, platformNames)) {
    if (flow.destination || flow.target.chart?.id !== 'nats' || flow.port !== NATS_CLIENT_PORT || flow.source.type !== 'workload') continue;
    if (meshOfWorkload(flow.source.workload, inventory).mesh !== 'linkerd') continue;
    const key = `${flow.target.namespace}/${flow.target.service}`;
    const clients = clientsByService.get(key) ?? [];
    if (!clients.includes(flow.source.workload)) clients.push(flow.source.workload);
    clientsByService.set(key, clients);
  }

  const findings: FindingDraft<MessageId>[] = [];
  for (const [service, clients] of clientsByService) {
    const namespace = inventory.namespaces.get(service.slice(0, service.indexOf('/')));
    if (portListed(parsePortList(namespace?.annotations[OPAQUE]), NATS_CLIENT_PORT) || valuesDeclareOpaque(inventory)) continue;
    const first = clients[0];
    findings.push({
      messageId: 'serviceNotInInput',
      data: { service, clients: clients.map((client) => `${client.kind} ${client.namespace}/${client.name}`).join(', '), port: NATS_CLIENT_PORT, opaque: OPAQUE },
      resource: first.resource,
      path: [...first.podMetadataPath, 'annotations'],
      fix: `Add ${OPAQUE}: "${NATS_CLIENT_PORT}" to Service ${service} and its pods through the NATS release's values service.merge.metadata.annotations and podTemplate.merge.metadata.annotations (rampart harden mesh writes them).`,
    });
  }
  return findings;
}

/** True when a values document of the input sets the opaque ports on the NATS chart's Service with 4222 among them. */
function valuesDeclareOpaque(inventory: Inventory): boolean {
  return inventory.values.some((document) => {
    const service = document.data.service;
    const merge = isRecord(service) ? service.merge : undefined;
    const metadata = isRecord(merge) ? merge.metadata : undefined;
    const annotations = isRecord(metadata) ? metadata.annotations : undefined;
    const value = isRecord(annotations) ? annotations[OPAQUE] : undefined;
    return typeof value === 'string' && portListed(parsePortList(value), NATS_CLIENT_PORT);
  });
}

/** True when a Linkerd-meshed workload of the input connects to this NATS server. */
function hasLinkerdClient(server: Workload, inventory: Inventory, platformNames: boolean): boolean {
  return flowsOf(inventory, platformNames).some((flow) => flow.destination === server && flow.source.type === 'workload' && flow.source.workload !== server && meshOfWorkload(flow.source.workload, inventory).mesh === 'linkerd');
}

/** Services that clients use to reach the NATS client port (headless ones resolve to pods, whose annotation counts). */
function clientServices(workload: Workload, inventory: Inventory) {
  return inventory.servicesIn(workload.namespace).filter((service) => !service.headless && service.workloads.includes(workload) && service.ports.some((port) => port.port === NATS_CLIENT_PORT || port.targetPort === NATS_CLIENT_PORT || port.targetPort === 'nats'));
}
