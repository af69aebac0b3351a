import { describeDestination, describeSource } from '../../model/flows.js';
import type { FlowEncryption } from '../../transport/encryption.js';
import { encryptionMap } from '../../transport/encryption.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { flowMeshFix, flowTlsFix } from './fixes.js';

/** Message of a flow from the ingress controller to a meshed server: only the controller's own mesh membership is unknown. */
export const INGRESS_CONTROLLER_MESSAGE = 'ingressController';

type MessageId = 'plaintext' | typeof INGRESS_CONTROLLER_MESSAGE;

export default defineCheck({
  id: 'transport/plaintext-flow',
  severity: 'high',
  side: 'shared',
  description: 'Every flow the install needs is encrypted: to NATS, PostgreSQL, Redis and MinIO, between the platform\'s services, and from the ingress controller to its backends, by mesh mTLS between two meshed pods or by TLS.',
  rationale: 'Credentials, tokens, queries and messages cross the pod network; in plaintext anyone with access to a node or the network path can read and alter them.',
  remediation: 'Put both ends in the mesh (annotate the namespace with linkerd.io/inject: enabled and restart the pods), or turn on TLS on the server (the backing chart\'s TLS values, the platform\'s podTLS) and make its clients require and verify it.',
  messages: {
    plaintext: 'Flow from {{source}} to {{destination}} is plaintext: {{why}}.',
    [INGRESS_CONTROLLER_MESSAGE]: 'Flow from the ingress controller to {{destination}} is encrypted only if the controller is meshed by {{mesh}}, which the input does not show.',
  },
  limitations: [
    'Flows are inferred from Service names in env, args and mounted ConfigMaps, from Ingress backends and from what rampart knows of the backing charts; a client that builds its address at run time is not seen.',
    'A server whose clients are not in the input is judged for clients in its own namespace.',
    'A platform datastore that is not in the input (its chart was not given) is judged by its client alone: the flow counts as TLS only when the client refuses plaintext (tls://, rediss://, https://, PGSSLMODE require or stronger).',
    'The ingress controller is not in the input: a flow from it to a meshed server is reported at low severity, because it is encrypted exactly when the controller is meshed too.',
  ],
  run(inventory, context) {
    return encryptionMap(inventory, context.profile?.name === 'howso-platform')
      .filter((entry) => entry.verdict === 'plaintext')
      .map((entry) => (isUndecidedIngressFlow(entry) ? ingressControllerFinding(entry) : plaintextFinding(entry)));
  },
});

/** True for a flow from the ingress controller to a meshed server, the one end rampart cannot see being the controller. */
function isUndecidedIngressFlow(entry: FlowEncryption): boolean {
  return entry.flow.source.type === 'ingress-controller' && entry.server.mesh !== undefined && !entry.evidence.some((line) => line.includes('around the proxy'));
}

function plaintextFinding(entry: FlowEncryption): FindingDraft<MessageId> {
  const { flow } = entry;
  const why = [entry.client.mesh ? undefined : `the client is not meshed (${entry.client.evidence})`, entry.server.mesh ? undefined : `the server is not meshed (${entry.server.evidence})`, ...entry.evidence.slice(2)].filter(Boolean).join('; ');
  // Report on the server when it is in the input, otherwise on the client that names it.
  const subject = flow.destination ?? (flow.source.type === 'workload' ? flow.source.workload : undefined);
  const meshStep = flowMeshFix(entry);
  const tlsStep = flowTlsFix(entry);
  return {
    messageId: 'plaintext',
    data: { source: describeSource(flow.source), destination: describeDestination(flow), why },
    ...(subject ? { resource: subject.resource, path: subject.podMetadataPath } : {}),
    fix: meshStep ? `${meshStep} Or ${tlsStep}` : `The two ends are in different meshes, so ${tlsStep}`,
  };
}

function ingressControllerFinding(entry: FlowEncryption): FindingDraft<MessageId> {
  const { flow } = entry;
  const mesh = entry.server.mesh === 'linkerd' ? 'Linkerd' : 'Istio';
  return {
    messageId: INGRESS_CONTROLLER_MESSAGE,
    severity: 'low',
    data: { destination: describeDestination(flow), mesh },
    ...(flow.destination ? { resource: flow.destination.resource, path: flow.destination.podMetadataPath } : {}),
    fix: `Mesh the ingress controller with ${mesh} (inject its pods and restart them), or ${flowTlsFix(entry)}`,
  };
}
