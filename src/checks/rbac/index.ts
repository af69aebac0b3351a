import type { Check } from '../types.js';

export const rbacChecks: Check[] = [];
