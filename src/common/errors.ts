/**
 * Typed errors for API boundaries (STYLE §5, layer 3). Every error has a stable `code`
 * (listed in docs/errors.md; a test keeps the two in sync) and a `retriable` flag.
 * Callers check `err.code`, not `instanceof`: errors that cross a worker boundary arrive
 * as plain objects and are rebuilt with `errorFromWire`.
 */
export const ErrorCode = {
  ERR_CONFIG_UNKNOWN_KEY: 'ERR_CONFIG_UNKNOWN_KEY',
  ERR_CONFIG_INVALID_VALUE: 'ERR_CONFIG_INVALID_VALUE',
  ERR_FRAME_TOO_LARGE: 'ERR_FRAME_TOO_LARGE',
  ERR_FRAME_MALFORMED: 'ERR_FRAME_MALFORMED',
  ERR_HEADER_MALFORMED: 'ERR_HEADER_MALFORMED',
  ERR_HEADER_FIELD_MISSING: 'ERR_HEADER_FIELD_MISSING',
  ERR_BODY_MALFORMED: 'ERR_BODY_MALFORMED',
  ERR_RECORD_MALFORMED: 'ERR_RECORD_MALFORMED',
  ERR_RECORD_CRC: 'ERR_RECORD_CRC',
  ERR_REMOTING_TIMEOUT: 'ERR_REMOTING_TIMEOUT',
  ERR_REMOTING_CONNECT: 'ERR_REMOTING_CONNECT',
  ERR_REMOTING_CLOSED: 'ERR_REMOTING_CLOSED',
  ERR_REMOTING_TOO_MANY_IN_FLIGHT: 'ERR_REMOTING_TOO_MANY_IN_FLIGHT',
  ERR_REMOTING_LISTEN: 'ERR_REMOTING_LISTEN',
  ERR_RESPONSE: 'ERR_RESPONSE',
  ERR_STORE_CORRUPT: 'ERR_STORE_CORRUPT',
  ERR_STORE_NOT_WRITABLE: 'ERR_STORE_NOT_WRITABLE',
  ERR_STORE_BUSY: 'ERR_STORE_BUSY',
  ERR_STORE_IO: 'ERR_STORE_IO',
  ERR_CLIENT_INVALID_MESSAGE: 'ERR_CLIENT_INVALID_MESSAGE',
  ERR_CLIENT_STATE: 'ERR_CLIENT_STATE',
  ERR_CLIENT_NO_ROUTE: 'ERR_CLIENT_NO_ROUTE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface WireError {
  code: string;
  message: string;
  retriable: boolean;
}

export class PetrelError extends Error {
  override name = 'PetrelError';
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options?: { retriable?: boolean; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options?.retriable ?? false;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message, retriable: this.retriable };
  }
}

export function errorFromWire(wire: WireError): PetrelError {
  const code = (Object.values(ErrorCode) as string[]).includes(wire.code)
    ? (wire.code as ErrorCode)
    : ErrorCode.ERR_STORE_IO;
  return new PetrelError(code, wire.message, { retriable: wire.retriable });
}

export function isPetrelError(value: unknown): value is PetrelError {
  return value instanceof Error && typeof (value as { code?: unknown }).code === 'string'
    && typeof (value as { retriable?: unknown }).retriable === 'boolean';
}
