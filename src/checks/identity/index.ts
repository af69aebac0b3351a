import type { Check } from '../types.js';
import oidcAlgorithm from './oidc-algorithm.js';
import oidcInlineClientSecret from './oidc-inline-client-secret.js';
import oidcPlainHttp from './oidc-plain-http.js';

export const identityChecks: Check[] = [oidcAlgorithm, oidcInlineClientSecret, oidcPlainHttp];
