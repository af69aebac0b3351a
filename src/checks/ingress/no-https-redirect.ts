import type { Inventory } from '../../model/inventory.js';
import { describeRef } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { parseGoBool } from './controllers.js';
import { hostData, judgeTlsHosts, type ServedHost } from './hosts.js';
import { nginxSettings, nginxValue } from './nginx.js';
import { entryPointRedirects, exposureOf, middlewareEffects, traefikStaticConfig } from './traefik.js';

type MessageId = 'nginxAnnotation' | 'nginxConfigMap' | 'nginxUnknown' | 'traefik' | 'traefikUnknownMiddleware';

export default defineCheck({
  id: 'ingress/no-https-redirect',
  severity: 'medium',
  side: 'shared',
  description: 'Plain-HTTP requests to every host that has TLS are redirected to HTTPS (ingress-nginx and Traefik).',
  rationale:
    'When the HTTP port serves the same content as HTTPS, links, bookmarks and typed addresses keep using plain HTTP, so cookies and credentials travel unencrypted even though TLS is set up.',
  remediation: 'For ingress-nginx keep ssl-redirect on (its default) or set nginx.ingress.kubernetes.io/force-ssl-redirect: "true". For Traefik attach a redirectScheme middleware (scheme: https) or redirect the web entry point to websecure.',
  messages: {
    nginxAnnotation: 'Host {{host}} of {{object}} has TLS, but its annotation {{annotation}} is "{{value}}", so ingress-nginx serves it over plain HTTP as well.',
    nginxConfigMap: 'Host {{host}} of {{object}} has TLS, but the ingress-nginx ConfigMap {{configMap}} sets ssl-redirect to "{{value}}", so plain HTTP is served as well.',
    nginxUnknown: 'Host {{host}} of {{object}} has TLS, but the ingress-nginx ConfigMap {{configMap}} sets {{key}} to "{{value}}", which is not a boolean, so whether HTTP is redirected is unknown.',
    traefik: 'Host {{host}} of {{object}} has TLS but is also served on the plain-HTTP entry point {{entryPoints}} without a redirect to HTTPS.',
    traefikUnknownMiddleware: 'Host {{host}} of {{object}} is served on the plain-HTTP entry point {{entryPoints}}, and whether it redirects depends on middleware {{middlewares}}, which is not in the input.',
  },
  limitations: [
    'Only ingress-nginx (class nginx, or an IngressClass with controller k8s.io/ingress-nginx) and Traefik (class traefik, IngressRoutes) are judged. For other controllers the check cannot decide and reports nothing.',
    'Hosts without TLS are reported by ingress/host-without-tls, not here.',
    'For ingress-nginx, the controller ConfigMap is read when the controller or its labelled ConfigMap is in the input. Otherwise the defaults (ssl-redirect "true") apply.',
    'For Traefik, entry-point redirection and TLS come from the flags of a Traefik Deployment in the input. Without one, the Helm chart defaults are assumed (web plain without redirection, websecure TLS).',
  ],
  references: ['https://github.com/kubernetes/ingress-nginx/blob/main/docs/user-guide/nginx-configuration/configmap.md'],
  run(inventory) {
    return judgeTlsHosts<FindingDraft<MessageId>>(inventory, { nginx: judgeNginx, traefik: judgeTraefik });
  },
});

function judgeNginx(inventory: Inventory, served: ServedHost): FindingDraft<MessageId> | undefined {
  const settings = nginxSettings(inventory, served.className);
  const annotations = served.resource.annotations;
  const forceKey = `${settings.annotationPrefix}/force-ssl-redirect`;
  const redirectKey = `${settings.annotationPrefix}/ssl-redirect`;

  // An annotation that does not parse is ignored by the controller, which then uses the ConfigMap value.
  const force = parseGoBool(annotations[forceKey] ?? '') ?? parseGoBool(nginxValue(settings, 'force-ssl-redirect'));
  if (force === true) return undefined;

  const annotated = parseGoBool(annotations[redirectKey] ?? '');
  if (annotated === true) return undefined;
  if (annotated === false) {
    return {
      messageId: 'nginxAnnotation',
      data: { ...hostData(served), annotation: redirectKey, value: annotations[redirectKey] },
      resource: served.resource,
      path: ['metadata', 'annotations', redirectKey],
      fix: `Remove the annotation ${redirectKey} from ${describeRef(served.resource)} or set it to "true".`,
    };
  }

  const configured = nginxValue(settings, 'ssl-redirect');
  const redirect = parseGoBool(configured);
  if (redirect === true || !settings.configMap) return undefined;
  const configMap = describeRef(settings.configMap);
  if (redirect === false) {
    return {
      messageId: 'nginxConfigMap',
      data: { ...hostData(served), configMap, value: configured },
      resource: served.resource,
      path: served.path,
      fix: `Set ssl-redirect: "true" in ConfigMap ${configMap}, or annotate ${describeRef(served.resource)} with ${redirectKey}: "true".`,
    };
  }
  return { messageId: 'nginxUnknown', severity: 'low', data: { ...hostData(served), configMap, key: 'ssl-redirect', value: configured }, resource: served.resource, path: served.path };
}

function judgeTraefik(inventory: Inventory, served: ServedHost): FindingDraft<MessageId> | undefined {
  if (!served.traefik) return undefined;
  const staticConfig = traefikStaticConfig(inventory);
  const plain = exposureOf(staticConfig, served.traefik).plainEntryPoints.filter((name) => !entryPointRedirects(staticConfig, name));
  if (plain.length === 0) return undefined;

  const effects = middlewareEffects(inventory, served.traefik.middlewares);
  if (effects.redirectsToHttps) return undefined;
  const data = { ...hostData(served), entryPoints: plain.join(', ') };
  if (effects.unresolved.length > 0) {
    return { messageId: 'traefikUnknownMiddleware', severity: 'low', data: { ...data, middlewares: effects.unresolved.join(', ') }, resource: served.resource, path: served.path };
  }
  return { messageId: 'traefik', data, resource: served.resource, path: served.path };
}
