import type { Check } from '../types.js';
import allowAllSources from './allow-all-sources.js';
import noDefaultDeny from './no-default-deny.js';
import workloadNotSelected from './workload-not-selected.js';

export const netpolChecks: Check[] = [allowAllSources, noDefaultDeny, workloadNotSelected];
