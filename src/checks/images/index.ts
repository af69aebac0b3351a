import type { Check } from '../types.js';

export const imagesChecks: Check[] = [];
