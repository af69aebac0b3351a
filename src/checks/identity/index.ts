import type { Check } from '../types.js';

export const identityChecks: Check[] = [];
