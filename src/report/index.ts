import { jsonReport, jsonReportChunks } from './json.js';
import { sarifReport } from './sarif.js';
import { textReport } from './text.js';
import type { ReportInput, Reporter } from './types.js';

export const REPORTERS: Record<string, Reporter> = {
  text: textReport,
  json: jsonReport,
  sarif: sarifReport,
};

export const FORMATS = Object.keys(REPORTERS);

/** Formats that can be written piece by piece, so that a large report is never one string. */
const STREAMING_REPORTERS: Record<string, (input: ReportInput) => Iterable<string>> = {
  json: jsonReportChunks,
};

/** Renders a report in the given format as pieces to write in order. */
export function reportChunks(format: string, input: ReportInput): Iterable<string> {
  const streaming = STREAMING_REPORTERS[format];
  return streaming ? streaming(input) : [REPORTERS[format](input)];
}
