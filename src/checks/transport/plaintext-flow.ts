import { describeDestination, describeSource } from '../../model/flows.js';
import { encryptionMap } from '../../transport/encryption.js';
import { defineCheck } from '../define.js';
import { flowMeshFix } from './fixes.js';

export default defineCheck({
  id: 'transport/plaintext-flow',
  severity: 'high',
  side: 'shared',
  description: 'Every flow to NATS, PostgreSQL, Redis and MinIO is encrypted, by mesh mTLS between two meshed pods or by TLS that the server enforces.',
  rationale: 'Credentials, queries and messages to the datastores cross the pod network; in plaintext anyone with access to a node or the network path can read and alter them.',
  remediation: 'Put both ends in the mesh (annotate the namespace with linkerd.io/inject: enabled and restart the pods), or turn on TLS in the chart of the server and make its clients verify it.',
  messages: {
    plaintext: 'Flow from {{source}} to {{destination}} is plaintext: {{why}}.',
  },
  limitations: [
    'Flows are inferred from Service names in env, args and mounted ConfigMaps, from Ingress backends and from what rampart knows of the backing charts; a client that builds its address at run time is not seen.',
    'A server whose clients are not in the input is judged for clients in its own namespace.',
    'A platform datastore that is not in the input (its chart was not given) is judged by its client alone: the flow counts as TLS only when the client refuses plaintext (tls://, rediss://, https://, PGSSLMODE require or stronger).',
  ],
  run(inventory, context) {
    return encryptionMap(inventory, context.profile?.name === 'howso-platform')
      .filter((entry) => entry.verdict === 'plaintext' && entry.flow.target.chart !== undefined)
      .map((entry) => {
        const { flow } = entry;
        const chart = flow.target.chart!;
        const why = [entry.client.mesh ? undefined : `the client is not meshed (${entry.client.evidence})`, entry.server.mesh ? undefined : `the server is not meshed (${entry.server.evidence})`, ...entry.evidence.slice(2)].filter(Boolean).join('; ');
        // Report on the server when it is in the input, otherwise on the client that names it.
        const subject = flow.destination ?? (flow.source.type === 'workload' ? flow.source.workload : undefined);
        const clientFix = flow.destination ? ' and make its clients require and verify it' : ' and make the client require and verify it';
        const meshStep = flowMeshFix(entry);
        const tlsStep = `turn on TLS in the ${chart.chart} chart (${chart.tlsValues})${clientFix}.`;
        return {
          messageId: 'plaintext' as const,
          data: { source: describeSource(flow.source), destination: describeDestination(flow), why },
          ...(subject ? { resource: subject.resource, path: subject.podMetadataPath } : {}),
          fix: meshStep ? `${meshStep} Or ${tlsStep}` : `The two ends are in different meshes, so ${tlsStep}`,
        };
      });
  },
});
