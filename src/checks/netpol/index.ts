import type { Check } from '../types.js';
import allowAllSources from './allow-all-sources.js';
import egressToEverywhere from './egress-to-everywhere.js';
import invalidPolicy from './invalid-policy.js';
import linkerdProxyPort from './linkerd-proxy-port.js';
import neededFlowBlocked from './needed-flow-blocked.js';
import noDefaultDeny from './no-default-deny.js';
import peerMatchesNothing from './peer-matches-nothing.js';
import policySelectsNothing from './policy-selects-nothing.js';
import unneededConnection from './unneeded-connection.js';
import workloadNotSelected from './workload-not-selected.js';

export const netpolChecks: Check[] = [
  allowAllSources,
  egressToEverywhere,
  invalidPolicy,
  linkerdProxyPort,
  neededFlowBlocked,
  noDefaultDeny,
  peerMatchesNothing,
  policySelectsNothing,
  unneededConnection,
  workloadNotSelected,
];
