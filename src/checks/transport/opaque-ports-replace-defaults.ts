import { flowsOf } from '../../model/flows.js';
import { containerPorts } from '../../profiles/containers.js';
import { linkerdSetting, meshOfWorkload, parsePortList, portListed } from '../../transport/mesh.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';

const OPAQUE = 'config.linkerd.io/opaque-ports';

/**
 * Linkerd's default opaque ports, the control-plane chart's proxy.opaquePorts: SMTP, MySQL,
 * Galera, PostgreSQL, Redis, Elasticsearch and Memcached.
 */
export const LINKERD_DEFAULT_OPAQUE_PORTS = [25, 587, 3306, 4444, 5432, 6379, 9300, 11211] as const;

type MessageId = 'serves' | 'calls';

export default defineCheck({
  id: 'transport/opaque-ports-replace-defaults',
  severity: 'high',
  side: 'shared',
  description: `A ${OPAQUE} annotation keeps every default opaque port (25, 587, 3306, 4444, 5432, 6379, 9300, 11211) that the workload still serves.`,
  rationale:
    `The annotation replaces Linkerd's default list instead of adding to it. A meshed PostgreSQL pod annotated with "4222" loses 5432 from the list, and its server-speaks-first or preamble-less protocol then waits for Linkerd's 10-second protocol detection on every connection.`,
  remediation: `Write the default ports the workload serves into ${OPAQUE} next to the new ones, for example "4222,5432".`,
  messages: {
    serves: '{{workload}} serves port {{port}} but {{opaque}} ({{where}}) is "{{value}}", which drops it from Linkerd\'s default opaque ports.',
    calls: '{{workload}} connects to Service {{service}} port {{port}} in namespace {{namespace}}, whose {{opaque}} annotation "{{value}}" drops the port from Linkerd\'s default opaque ports.',
  },
  references: ['https://github.com/linkerd/linkerd2/blob/main/charts/linkerd-control-plane/README.md', 'https://linkerd.io/2/features/protocol-detection/'],
  limitations: [
    'Linkerd decides whether a port is opaque from the server side (its pods, its Service, or their namespace), so a client\'s own pod annotation is not judged; a client is reported only when its server is outside the input and the server\'s namespace annotation drops the port.',
    'Ports are read from the containers\' declared ports; a port a server opens without declaring it is not seen.',
  ],
  run(inventory, context) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const workload of inventory.workloads) {
      if (meshOfWorkload(workload, inventory).mesh !== 'linkerd') continue;
      const setting = linkerdSetting(workload, inventory, OPAQUE);
      if (!setting) continue;
      const listed = parsePortList(setting.value);
      const served = new Set(containerPorts(workload).map((port) => port.port));
      for (const port of LINKERD_DEFAULT_OPAQUE_PORTS) {
        if (!served.has(port) || portListed(listed, port)) continue;
        findings.push({
          messageId: 'serves',
          data: { workload: `${workload.kind} ${workload.namespace}/${workload.name}`, port, opaque: OPAQUE, value: setting.value, where: setting.setBy === 'namespace' ? `inherited from namespace ${workload.namespace}` : 'on the pod template' },
          resource: workload.resource,
          path: [...workload.podMetadataPath, 'annotations'],
          fix: `Set ${OPAQUE}: "${setting.value},${port}"${setting.setBy === 'namespace' ? ` on namespace ${workload.namespace} or on this pod template` : ' on the pod template'}.`,
        });
      }
    }

    const reported = new Set<string>();
    for (const flow of flowsOf(inventory, context.profile?.name === 'howso-platform')) {
      if (flow.destination || flow.source.type !== 'workload' || !(LINKERD_DEFAULT_OPAQUE_PORTS as readonly number[]).includes(flow.port)) continue;
      const client = flow.source.workload;
      const namespace = inventory.namespaces.get(flow.target.namespace);
      const value = namespace?.annotations[OPAQUE];
      if (value === undefined || portListed(parsePortList(value), flow.port) || meshOfWorkload(client, inventory).mesh !== 'linkerd') continue;
      const key = `${client.namespace}/${client.kind}/${client.name}>${flow.target.namespace}/${flow.target.service}:${flow.port}`;
      if (reported.has(key)) continue;
      reported.add(key);
      findings.push({
        messageId: 'calls',
        data: { workload: `${client.kind} ${client.namespace}/${client.name}`, service: flow.target.service, namespace: flow.target.namespace, port: flow.port, opaque: OPAQUE, value },
        ...(namespace?.resource ? { resource: namespace.resource, path: ['metadata', 'annotations'] } : { resource: client.resource, path: client.podMetadataPath }),
        fix: `Set ${OPAQUE}: "${value},${flow.port}" on namespace ${flow.target.namespace}, or annotate the Service ${flow.target.service} with the ports it needs.`,
      });
    }
    return findings;
  },
});
