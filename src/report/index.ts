import { jsonReport } from './json.js';
import { sarifReport } from './sarif.js';
import { textReport } from './text.js';
import type { Reporter } from './types.js';

export const REPORTERS: Record<string, Reporter> = {
  text: textReport,
  json: jsonReport,
  sarif: sarifReport,
};

export const FORMATS = Object.keys(REPORTERS);
