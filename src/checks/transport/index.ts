import type { Check } from '../types.js';
import certManagerCertificate from './cert-manager-certificate.js';
import certificateCaConstraints from './certificate-ca-constraints.js';
import certificateChainBroken from './certificate-chain-broken.js';
import certificateExpiring from './certificate-expiring.js';
import certificateUnreadable from './certificate-unreadable.js';
import certificateWeak from './certificate-weak.js';
import certificateWithoutSan from './certificate-without-san.js';
import jobNativeSidecar from './job-native-sidecar.js';
import natsOpaquePorts from './nats-opaque-ports.js';
import opaquePortsReplaceDefaults from './opaque-ports-replace-defaults.js';
import plaintextFlow from './plaintext-flow.js';
import postgresSslmode from './postgres-sslmode.js';
import tlsOptionalFlow from './tls-optional-flow.js';

export const transportChecks: Check[] = [
  certManagerCertificate,
  certificateCaConstraints,
  certificateChainBroken,
  certificateExpiring,
  certificateUnreadable,
  certificateWeak,
  certificateWithoutSan,
  jobNativeSidecar,
  natsOpaquePorts,
  opaquePortsReplaceDefaults,
  plaintextFlow,
  postgresSslmode,
  tlsOptionalFlow,
];
