import type { Check } from '../types.js';

export const netpolChecks: Check[] = [];
