import type { Check } from '../types.js';
import hostWithoutTls from './host-without-tls.js';
import noHsts from './no-hsts.js';
import noHttpsRedirect from './no-https-redirect.js';
import tlsSecretMissing from './tls-secret-missing.js';

export const ingressChecks: Check[] = [hostWithoutTls, noHsts, noHttpsRedirect, tlsSecretMissing];
