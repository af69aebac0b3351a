import type { Check } from '../types.js';

export const pssChecks: Check[] = [];
