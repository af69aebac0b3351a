/** Something wrong with the input that did not stop loading; the `input` checks report these. */
export interface InputProblem {
  code: 'parse-error' | 'invalid-object';
  message: string;
  file: string;
  line: number;
  documentIndex: number;
}

/** Input that cannot be read at all: a missing file, a failed `helm template`. Exit code 2. */
export class InputError extends Error {
  override name = 'InputError';
}
