/** Input that the pki commands cannot use: a bad flag value, an unreadable or non-PEM file, an unreachable endpoint. */
export class PkiInputError extends Error {
  override name = 'PkiInputError';
}
