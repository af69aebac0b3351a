import type { Check } from '../types.js';
import clusterAdminBinding from './cluster-admin-binding.js';
import escalationVerb from './escalation-verb.js';
import podExec from './pod-exec.js';
import secretRead from './secret-read.js';
import unneededTokenMount from './unneeded-token-mount.js';
import wildcardRule from './wildcard-rule.js';

export const rbacChecks: Check[] = [clusterAdminBinding, escalationVerb, podExec, secretRead, unneededTokenMount, wildcardRule];
