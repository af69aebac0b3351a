import type { Inventory } from '../../model/inventory.js';
import type { Workload } from '../../model/workloads.js';
import { NATS_CLIENT_PORT } from '../../profiles/nats.js';
import { nats } from '../../profiles/nats.js';
import { meshOfNamespace, meshOfWorkload, parsePortList, portListed } from '../../transport/mesh.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';

const OPAQUE = 'config.linkerd.io/opaque-ports';

export default defineCheck({
  id: 'transport/nats-opaque-ports',
  severity: 'high',
  side: 'shared',
  description: `In a Linkerd mesh, the NATS Service and pods list 4222 (and 6222 when clustered) in ${OPAQUE}.`,
  rationale:
    'NATS speaks first: the server sends INFO before the client says anything. Linkerd waits up to 10 seconds to detect the protocol from the client, while NATS clients give up after about 5, so connections fail unless the port is declared opaque. Linkerd\'s default opaque ports (25, 587, 3306, 4444, 5432, 6379, 9300, 11211) do not include 4222, and setting the annotation replaces that list.',
  remediation: `Set ${OPAQUE}: "4222" (or "4222,6222" when clustered) through the NATS chart values service.merge.metadata.annotations and podTemplate.merge.metadata.annotations.`,
  messages: {
    pods: 'NATS pods of {{workload}} are meshed by Linkerd but {{opaque}} does not list port {{port}}.',
    service: 'Service {{service}} routes to NATS port {{port}} in a Linkerd-injected namespace but {{opaque}} does not list it.',
  },
  references: ['https://linkerd.io/2/features/protocol-detection/', 'https://docs.nats.io/reference/reference-protocols/nats-protocol'],
  limitations: ['The namespace-level annotation is taken to apply to pods and Services that set none, as Linkerd does; ports given by name are not resolved.'],
  run(inventory) {
    const findings: FindingDraft<'pods' | 'service'>[] = [];
    for (const workload of inventory.workloads) {
      if (!nats.isServer(workload)) continue;
      const namespace = inventory.namespaces.get(workload.namespace);
      const namespaceOpaque = namespace?.annotations[OPAQUE];
      const podsMeshed = meshOfWorkload(workload, inventory).mesh === 'linkerd';
      const clientsMeshed = namespace !== undefined && meshOfNamespace(namespace).mesh === 'linkerd';
      if (!podsMeshed && !clientsMeshed) continue;

      const ports = nats.ports(workload).filter((port) => port.serverSpeaksFirst).map((port) => port.port);
      const fixValue = ports.join(',');
      if (podsMeshed) {
        const listed = parsePortList(workload.podAnnotations[OPAQUE] ?? namespaceOpaque);
        for (const port of ports) {
          if (portListed(listed, port)) continue;
          findings.push({
            messageId: 'pods' as const,
            data: { workload: `${workload.kind} ${workload.namespace}/${workload.name}`, opaque: OPAQUE, port },
            resource: workload.resource,
            path: [...workload.podMetadataPath, 'annotations'],
            fix: `Add ${OPAQUE}: "${fixValue}" to the pod template, e.g. NATS chart values podTemplate.merge.metadata.annotations.`,
          });
        }
      }
      for (const service of clientServices(workload, inventory)) {
        const listed = parsePortList(service.resource.annotations[OPAQUE] ?? namespaceOpaque);
        if (portListed(listed, NATS_CLIENT_PORT)) continue;
        findings.push({
          messageId: 'service' as const,
          data: { service: `${service.namespace}/${service.name}`, opaque: OPAQUE, port: NATS_CLIENT_PORT },
          resource: service.resource,
          path: ['metadata', 'annotations'],
          fix: `Add ${OPAQUE}: "${NATS_CLIENT_PORT}" to Service ${service.name}, e.g. NATS chart values service.merge.metadata.annotations.`,
        });
      }
    }
    return findings;
  },
});

/** Services that clients use to reach the NATS client port (headless ones resolve to pods, whose annotation counts). */
function clientServices(workload: Workload, inventory: Inventory) {
  return inventory.servicesIn(workload.namespace).filter((service) => !service.headless && service.workloads.includes(workload) && service.ports.some((port) => port.port === NATS_CLIENT_PORT || port.targetPort === NATS_CLIENT_PORT || port.targetPort === 'nats'));
}
