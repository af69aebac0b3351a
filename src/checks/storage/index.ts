import type { Check } from '../types.js';

export const storageChecks: Check[] = [];
