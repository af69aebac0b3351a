import type { Check } from '../types.js';

export const transportChecks: Check[] = [];
