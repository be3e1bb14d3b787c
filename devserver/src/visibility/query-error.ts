/** A list filter that cannot be parsed or applied; the engine answers it with INVALID_ARGUMENT. */
export class VisibilityQueryError extends Error {
  override name = 'VisibilityQueryError';
}
