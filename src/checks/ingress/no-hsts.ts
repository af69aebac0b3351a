import type { Inventory } from '../../model/inventory.js';
import { describeRef } from '../../model/resource.js';
import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { parseGoBool } from './controllers.js';
import { hostData, judgeTlsHosts, type ServedHost } from './hosts.js';
import { nginxSettings, nginxValue } from './nginx.js';
import { entryPointKind, entryPointMiddlewares, middlewareEffects, resolveEntryPoints, traefikStaticConfig, type MiddlewareTarget } from './traefik.js';

type MessageId = 'nginxOff' | 'nginxMaxAgeZero' | 'nginxUnknown' | 'traefik' | 'traefikUnknownMiddleware';

export default defineCheck({
  id: 'ingress/no-hsts',
  severity: 'low',
  side: 'shared',
  description: 'Every host with TLS sends a Strict-Transport-Security header with a positive max-age (ingress-nginx and Traefik).',
  rationale:
    'Without HSTS a browser tries plain HTTP first whenever a user types the address or follows an http:// link, and an attacker on the network can keep the session on HTTP (SSL stripping) before any redirect happens.',
  remediation: 'For ingress-nginx keep hsts on (its default) with a positive hsts-max-age in the controller ConfigMap. For Traefik attach a headers middleware with stsSeconds (for example 31536000) to the router or the websecure entry point.',
  messages: {
    nginxOff: 'Host {{host}} of {{object}} is served without HSTS: the ingress-nginx ConfigMap {{configMap}} sets hsts to "{{value}}".',
    nginxMaxAgeZero: 'Host {{host}} of {{object}} sends HSTS with max-age 0, which tells browsers to drop the policy: the ingress-nginx ConfigMap {{configMap}} sets hsts-max-age to "{{value}}".',
    nginxUnknown: 'Host {{host}} of {{object}}: the ingress-nginx ConfigMap {{configMap}} sets {{key}} to "{{value}}", which the controller cannot parse, so whether HSTS is sent is unknown.',
    traefik: 'Host {{host}} of {{object}} is served over HTTPS without HSTS: no headers middleware with stsSeconds is attached to its router or TLS entry point.',
    traefikUnknownMiddleware: 'Host {{host}} of {{object}} may lack HSTS: it depends on middleware {{middlewares}}, which is not in the input.',
  },
  limitations: [
    'Only ingress-nginx and Traefik are judged. For other controllers the check cannot decide and reports nothing.',
    'Hosts without TLS are reported by ingress/host-without-tls, not here, because HSTS only has effect over HTTPS.',
    'A backend that sets the header itself is not seen. For ingress-nginx, a Strict-Transport-Security header added by a configuration or server snippet counts only when the ConfigMap allows snippet annotations.',
  ],
  references: ['https://github.com/kubernetes/ingress-nginx/blob/main/docs/user-guide/nginx-configuration/configmap.md'],
  run(inventory) {
    return judgeTlsHosts<FindingDraft<MessageId>>(inventory, { nginx: judgeNginx, traefik: judgeTraefik });
  },
});

function judgeNginx(inventory: Inventory, served: ServedHost): FindingDraft<MessageId> | undefined {
  const settings = nginxSettings(inventory, served.className);
  // Without the ConfigMap in the input the controller defaults apply, and they send HSTS.
  if (!settings.configMap) return undefined;
  if (snippetSetsHsts(served, settings.annotationPrefix) && parseGoBool(nginxValue(settings, 'allow-snippet-annotations')) === true) return undefined;

  const configMap = describeRef(settings.configMap);
  const base = { ...hostData(served), configMap };
  const hsts = nginxValue(settings, 'hsts');
  const enabled = parseGoBool(hsts);
  if (enabled === undefined) {
    return { messageId: 'nginxUnknown', severity: 'info', data: { ...base, key: 'hsts', value: hsts }, resource: served.resource, path: served.path };
  }
  if (!enabled) {
    return { messageId: 'nginxOff', data: { ...base, value: hsts }, resource: served.resource, path: served.path, fix: `Remove hsts: "${hsts}" from ConfigMap ${configMap} (the default is "true").` };
  }

  const maxAge = nginxValue(settings, 'hsts-max-age').trim();
  if (!/^\d+$/.test(maxAge)) {
    return { messageId: 'nginxUnknown', severity: 'info', data: { ...base, key: 'hsts-max-age', value: maxAge }, resource: served.resource, path: served.path };
  }
  if (Number(maxAge) === 0) {
    return { messageId: 'nginxMaxAgeZero', data: { ...base, value: maxAge }, resource: served.resource, path: served.path, fix: `Set hsts-max-age in ConfigMap ${configMap} to a positive number of seconds, e.g. "31536000".` };
  }
  return undefined;
}

function snippetSetsHsts(served: ServedHost, prefix: string): boolean {
  const annotations = served.resource.annotations;
  return [`${prefix}/configuration-snippet`, `${prefix}/server-snippet`].some((key) => /strict-transport-security/i.test(annotations[key] ?? ''));
}

function judgeTraefik(inventory: Inventory, served: ServedHost): FindingDraft<MessageId> | undefined {
  if (!served.traefik) return undefined;
  const staticConfig = traefikStaticConfig(inventory);

  // Middlewares of the entry points that terminate TLS for this router apply as well.
  const targets: MiddlewareTarget[] = [...served.traefik.middlewares];
  for (const name of resolveEntryPoints(staticConfig, served.traefik.entryPoints)) {
    if (served.traefik.tls || entryPointKind(staticConfig, name) === 'tls') targets.push(...entryPointMiddlewares(inventory, staticConfig, name));
  }
  const effects = middlewareEffects(inventory, targets);
  if (effects.setsHsts) return undefined;
  if (effects.unresolved.length > 0) {
    return { messageId: 'traefikUnknownMiddleware', severity: 'info', data: { ...hostData(served), middlewares: effects.unresolved.join(', ') }, resource: served.resource, path: served.path };
  }
  return { messageId: 'traefik', data: hostData(served), resource: served.resource, path: served.path };
}
