import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { hostData, servedHosts } from './hosts.js';
import { entryPointRedirects, exposureOf, middlewareEffects, traefikStaticConfig } from './traefik.js';

type MessageId = 'host' | 'catchAll' | 'route';

export default defineCheck({
  id: 'ingress/host-without-tls',
  severity: 'high',
  side: 'shared',
  description: 'Every host that an Ingress or Traefik IngressRoute serves has TLS configured.',
  rationale:
    'A host without TLS carries sign-in pages, session cookies, API tokens and data in plain text between the user and the cluster, where anyone on the path can read or change them.',
  remediation: 'List every host in a spec.tls entry with a kubernetes.io/tls Secret (or let cert-manager issue it), and for Traefik IngressRoutes add a tls section.',
  messages: {
    host: 'Host {{host}} of {{object}} is served without TLS: no spec.tls entry lists it.',
    catchAll: 'The rule of {{object}} that matches any host is served without TLS: no spec.tls entry without hosts covers it.',
    route: 'Host {{host}} of {{object}} is served on the plain-HTTP entry point {{entryPoints}} without TLS: the IngressRoute has no tls section.',
  },
  limitations: [
    'TLS configured outside the object is recognised only for Traefik (router.tls annotations and TLS entry points), the AWS Load Balancer Controller (certificate-arn, HTTPS listen-ports) and GKE Ingress (pre-shared and managed certificates).',
    'For Traefik, entry points come from the flags of a Traefik Deployment in the input. Without one, the Helm chart\'s web (plain) and websecure (TLS) entry points are assumed, and IngressRoutes only on other entry points are not judged.',
    'A Traefik router whose plain-HTTP traffic is all redirected to HTTPS (redirectScheme middleware or entry-point redirection) is not reported.',
  ],
  run(inventory) {
    const staticConfig = traefikStaticConfig(inventory);
    const findings: FindingDraft<MessageId>[] = [];
    for (const served of servedHosts(inventory)) {
      if (served.tls) continue;
      const data = hostData(served);

      if (served.traefik) {
        const exposure = exposureOf(staticConfig, served.traefik);
        const routerRedirects = middlewareEffects(inventory, served.traefik.middlewares).redirectsToHttps;
        // A router whose plain-HTTP traffic is all redirected to HTTPS serves no content in plain text.
        const plain = exposure.plainEntryPoints.filter((name) => !routerRedirects && !entryPointRedirects(staticConfig, name));
        if (plain.length === 0 && (exposure.plainEntryPoints.length > 0 || served.resource.kind === 'IngressRoute')) continue;
        if (served.resource.kind === 'IngressRoute') {
          findings.push({ messageId: 'route', data: { ...data, entryPoints: plain.join(', ') }, resource: served.resource, path: served.path });
          continue;
        }
      }
      const messageId = served.host === undefined ? 'catchAll' : 'host';
      findings.push({ messageId, data, resource: served.resource, path: served.path });
    }
    return findings;
  },
});
