import { isRecord, list, record, records, text } from '../../model/access.js';
import type { Inventory } from '../../model/inventory.js';
import { describeRef, type PathSegment, type Resource } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { TRAEFIK_GROUPS } from './traefik.js';

type MessageId = 'missing' | 'notTls' | 'defaultIssuer' | 'createdByJob';

/** Ingress annotations that make cert-manager's ingress-shim create a Certificate for every spec.tls entry. */
const ISSUER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];
const ACME_ANNOTATION = 'kubernetes.io/tls-acme';

interface TlsReference {
  object: Resource;
  namespace: string;
  secret: string;
  path: PathSegment[];
  /** cert-manager issues the Secret from annotations on the object (Ingress only). */
  issuerAnnotation: boolean;
  acmeAnnotation: boolean;
}

export default defineCheck({
  id: 'ingress/tls-secret-missing',
  severity: 'medium',
  side: 'shared',
  description: 'Every TLS Secret that an Ingress or IngressRoute names exists in the input as a kubernetes.io/tls Secret or is created by cert-manager or External Secrets.',
  rationale:
    'When the Secret is missing, the controller serves its default certificate (self-signed for ingress-nginx and Traefik) or rejects the route, so clients either fail or learn to click through certificate warnings.',
  remediation: 'Create the kubernetes.io/tls Secret before installing, or let cert-manager issue it (the cert-manager.io/cluster-issuer or cert-manager.io/issuer annotation on the Ingress, or a Certificate with that secretName).',
  messages: {
    missing: 'The TLS Secret {{secret}} of {{object}} is not in the input, and no cert-manager Certificate, issuer annotation or ExternalSecret creates it.',
    notTls: 'The TLS Secret {{secret}} of {{object}} is in the input but has neither type kubernetes.io/tls nor the keys tls.crt and tls.key.',
    createdByJob: 'The TLS Secret {{secret}} of {{object}} is not in the input, but {{job}} names it, so it is probably created when the chart runs, which static input cannot confirm.',
    defaultIssuer: 'The TLS Secret {{secret}} of {{object}} is requested with the kubernetes.io/tls-acme annotation, which works only when cert-manager runs with a default issuer, and the input cannot show that.',
  },
  limitations: [
    'A Secret created at run time is not in the input. When a Job or CronJob in the same namespace names it in env values, command or args, the finding is low. A Secret that the operator creates outside Helm is reported as missing, so suppress the finding with that reason.',
    'SealedSecrets are recognised by name. Secrets in other namespaces are not looked up, because Ingresses cannot use them.',
  ],
  references: ['https://cert-manager.io/docs/usage/ingress/'],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const reference of tlsReferences(inventory)) {
      const data = { secret: reference.secret, object: describeRef(reference.object) };
      const secret = inventory.find('Secret', reference.namespace, reference.secret);
      if (secret && secret.group === '') {
        if (!isTlsSecret(secret)) findings.push({ messageId: 'notTls', data, resource: reference.object, path: reference.path });
        continue;
      }
      if (reference.issuerAnnotation || createdByController(inventory, reference.namespace, reference.secret)) continue;
      const job = jobNaming(inventory, reference.namespace, reference.secret);
      if (job) {
        findings.push({ messageId: 'createdByJob', severity: 'low', data: { ...data, job }, resource: reference.object, path: reference.path });
        continue;
      }
      if (reference.acmeAnnotation) {
        findings.push({ messageId: 'defaultIssuer', severity: 'low', data, resource: reference.object, path: reference.path });
        continue;
      }
      findings.push({
        messageId: 'missing',
        data,
        resource: reference.object,
        path: reference.path,
        fix: `Create Secret ${reference.namespace}/${reference.secret} of type kubernetes.io/tls before installing, or have cert-manager issue it: a Certificate with secretName ${reference.secret}${reference.object.kind === 'Ingress' ? ', or the cert-manager.io/cluster-issuer annotation on the Ingress' : ''}.`,
      });
    }
    return findings;
  },
});

function tlsReferences(inventory: Inventory): TlsReference[] {
  const references: TlsReference[] = [];
  for (const ingress of inventory.ingresses) {
    const annotations = ingress.resource.annotations;
    const issuerAnnotation = ISSUER_ANNOTATIONS.some((key) => (annotations[key] ?? '').trim() !== '');
    const acmeAnnotation = annotations[ACME_ANNOTATION] === 'true';
    for (const entry of ingress.tls) {
      if (!entry.secretName) continue;
      references.push({
        object: ingress.resource,
        namespace: ingress.resource.namespace ?? 'default',
        secret: entry.secretName,
        path: ['spec', 'tls', entry.index, 'secretName'],
        issuerAnnotation,
        acmeAnnotation,
      });
    }
  }
  for (const route of inventory.ofKind('IngressRoute')) {
    if (!TRAEFIK_GROUPS.has(route.group)) continue;
    const tls = record(route.body.spec).tls;
    const secret = isRecord(tls) ? text(tls.secretName) : undefined;
    if (!secret) continue;
    references.push({ object: route, namespace: route.namespace ?? 'default', secret, path: ['spec', 'tls', 'secretName'], issuerAnnotation: false, acmeAnnotation: false });
  }
  return references;
}

function isTlsSecret(secret: Resource): boolean {
  if (secret.body.type === 'kubernetes.io/tls') return true;
  const keys = new Set([...Object.keys(record(secret.body.data)), ...Object.keys(record(secret.body.stringData))]);
  return keys.has('tls.crt') && keys.has('tls.key');
}

/** True when a cert-manager Certificate, an ExternalSecret or a SealedSecret in the input produces the Secret. */
function createdByController(inventory: Inventory, namespace: string, name: string): boolean {
  const inNamespace = (resource: Resource) => (resource.namespace ?? 'default') === namespace;
  const certificate = inventory.ofKind('Certificate', 'cert-manager.io').some((resource) => inNamespace(resource) && text(record(resource.body.spec).secretName) === name);
  if (certificate) return true;
  const externalSecret = inventory.ofKind('ExternalSecret', 'external-secrets.io').some((resource) => {
    // The target Secret is named after the ExternalSecret unless spec.target.name says otherwise.
    return inNamespace(resource) && (text(record(record(resource.body.spec).target).name) ?? resource.name) === name;
  });
  if (externalSecret) return true;
  return inventory.ofKind('SealedSecret', 'bitnami.com').some((resource) => inNamespace(resource) && resource.name === name);
}

/** Finds a Job or CronJob in the namespace whose containers name the Secret in env values, command or args. */
function jobNaming(inventory: Inventory, namespace: string, secret: string): string | undefined {
  for (const workload of inventory.workloadsIn(namespace)) {
    if (workload.kind !== 'Job' && workload.kind !== 'CronJob') continue;
    for (const { container } of workload.containers) {
      const words = [...list(container.command), ...list(container.args), ...records(container.env).map((variable) => variable.value)];
      const named = words.some((word) => typeof word === 'string' && word.split(/[\s=,:;"']+/).includes(secret));
      if (named) return describeRef(workload);
    }
  }
  return undefined;
}
