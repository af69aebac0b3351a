import type { Check } from '../types.js';
import natsOpaquePorts from './nats-opaque-ports.js';
import plaintextFlow from './plaintext-flow.js';
import postgresSslmode from './postgres-sslmode.js';
import tlsOptionalFlow from './tls-optional-flow.js';

export const transportChecks: Check[] = [natsOpaquePorts, plaintextFlow, postgresSslmode, tlsOptionalFlow];
