import type { Check } from '../types.js';
import chartGeneratedPassword from './chart-generated-password.js';
import credentialInConfigmap from './credential-in-configmap.js';
import credentialInEnv from './credential-in-env.js';
import credentialInValues from './credential-in-values.js';
import secretInManifest from './secret-in-manifest.js';

export const secretsChecks: Check[] = [chartGeneratedPassword, credentialInConfigmap, credentialInEnv, credentialInValues, secretInManifest];
