import { defineCheck } from '../define.js';
import type { FindingDraft } from '../types.js';
import { ENDPOINT_KEYS, oidcBlocks } from './oidc.js';

type MessageId = 'public' | 'inCluster';
type EndpointKey = (typeof ENDPOINT_KEYS)[number];

/** Data that crosses each endpoint, named in the message. */
const EXPOSURE: Record<EndpointKey, string> = {
  jwksEndpoint: 'whoever can change this traffic can substitute signing keys and make the platform accept forged ID tokens',
  authorizeEndpoint: 'browsers are sent there to sign in, so credentials and authorization codes cross it',
  tokenEndpoint: 'the client secret, authorization codes and issued tokens cross it',
  userinfoEndpoint: 'access tokens and user profile data cross it',
};

export default defineCheck({
  id: 'identity/oidc-plain-http',
  severity: 'high',
  side: 'shared',
  description: 'When OIDC is enabled, every OIDC endpoint in the platform values (oidc.jwksEndpoint, authorizeEndpoint, tokenEndpoint, userinfoEndpoint) uses https://.',
  rationale:
    'The OIDC endpoints carry the client secret, authorization codes, tokens and the keys that ID tokens are verified with. Over plain HTTP they can be read, and the key set can be replaced so that forged tokens are accepted.',
  remediation: 'Use the https:// address of each endpoint. For an identity provider inside the cluster, serve it over TLS or mesh both ends with mTLS.',
  messages: {
    public: 'The OIDC endpoint {{key}} is {{url}}, plain HTTP to an address outside the cluster: {{exposure}}.',
    inCluster: 'The OIDC endpoint {{key}} is {{url}}, plain HTTP to an in-cluster service: {{exposure}}. It stays unencrypted inside the cluster unless a mesh adds mTLS.',
  },
  limitations: [
    'In-cluster addresses are recognised by form: a bare service name (localhost included), or a name ending in .svc, .svc.cluster.local or .cluster.local. A custom cluster domain counts as outside the cluster.',
    'Only values documents with a top-level oidc block are read, so an umbrella chart that nests the platform values under another key is not.',
  ],
  run(inventory) {
    const findings: FindingDraft<MessageId>[] = [];
    for (const block of oidcBlocks(inventory)) {
      if (!block.enabled) continue;
      for (const key of ENDPOINT_KEYS) {
        const value = block.oidc[key];
        if (typeof value !== 'string' || !/^\s*http:\/\//i.test(value)) continue;
        const address = readAddress(value.trim());
        const inCluster = address !== undefined && isInClusterHost(address.hostname);
        findings.push({
          messageId: inCluster ? 'inCluster' : 'public',
          severity: inCluster ? 'medium' : 'high',
          data: { key: `oidc.${key}`, url: address?.display ?? '(an invalid http:// URL)', exposure: EXPOSURE[key] },
          values: block.values,
          path: ['oidc', key],
          fix: `Set oidc.${key} to the https:// address of the endpoint${inCluster ? ', or put the identity provider and the platform in a mesh with mTLS' : ''}.`,
        });
      }
    }
    return findings;
  },
});

/** Parses the URL and drops user information and query, which may hold a password and are never printed. */
function readAddress(value: string): { hostname: string; display: string } | undefined {
  try {
    const url = new URL(value);
    return { hostname: url.hostname.toLowerCase(), display: `${url.protocol}//${url.host}${url.pathname}` };
  } catch {
    return undefined;
  }
}

function isInClusterHost(hostname: string): boolean {
  if (hostname === '' || hostname.startsWith('[')) return false;
  if (!hostname.includes('.')) return true;
  return hostname.endsWith('.svc') || hostname.endsWith('.cluster.local');
}
