/**
 * Programmer-error checks. An assertion failure is a bug in Petrel, never bad input: it is not
 * caught, and a worker that trips one stops the process (STYLE §5, layer 1).
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never): never {
  throw new AssertionError(`unreachable: ${String(value)}`);
}
