import { ErrorCode, PetrelError } from '../common/errors.js';
import type { RemotingCommand } from '../protocol/command.js';
import {
  type ResponseCode, responseCodeInfo, responseCodeName, SEND_RETRY_RESPONSE_CODES,
} from '../protocol/response-code.js';

/**
 * Client-side errors. Every error the SDK raises is a PetrelError with a stable `code` and a
 * `retriable` flag (docs/errors.md). A broker or NameServer answering with a non-success
 * RocketMQ response code becomes an `MQResponseError` carrying that `responseCode` and the
 * server's remark; this file is the one place that mapping happens (STYLE §5, layer 4).
 */
export class MQResponseError extends PetrelError {
  override name = 'MQResponseError';
  /** The RocketMQ response code (reference §2.1). */
  readonly responseCode: number;
  /** The server's remark, verbatim (may be empty). */
  readonly remark: string;

  constructor(responseCode: number, remark: string, context: string) {
    const info = (responseCodeInfo as Partial<Record<number, (typeof responseCodeInfo)[ResponseCode]>>)[
      responseCode
    ];
    const name = responseCodeName(responseCode);
    super(ErrorCode.ERR_RESPONSE, `${context}: ${name} (${responseCode})${remark ? `, ${remark}` : ''}`, {
      retriable: info?.retriable ?? false,
    });
    this.responseCode = responseCode;
    this.remark = remark;
  }
}

/** Turns a non-success response into an MQResponseError. */
export function responseError(response: RemotingCommand, context: string): MQResponseError {
  return new MQResponseError(response.code, response.remark ?? '', context);
}

/**
 * Whether a failed send attempt should be retried on another queue/broker, as the Java producer
 * decides: response codes 17, 14, 1, 16, 204, 205 (reference §2.1) and transport errors.
 */
export function isSendRetriable(error: unknown): boolean {
  if (error instanceof MQResponseError) return SEND_RETRY_RESPONSE_CODES.has(error.responseCode);
  if (error instanceof PetrelError) {
    return error.code === ErrorCode.ERR_REMOTING_TIMEOUT
      || error.code === ErrorCode.ERR_REMOTING_CONNECT
      || error.code === ErrorCode.ERR_REMOTING_CLOSED
      || error.code === ErrorCode.ERR_REMOTING_TOO_MANY_IN_FLIGHT
      || error.code === ErrorCode.ERR_CLIENT_NO_ROUTE;
  }
  return false;
}

export function invalidMessage(message: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_CLIENT_INVALID_MESSAGE, message);
}

export function clientState(message: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_CLIENT_STATE, message);
}

export function noRoute(topic: string, cause?: unknown): PetrelError {
  return new PetrelError(
    ErrorCode.ERR_CLIENT_NO_ROUTE,
    `No route info of this topic: ${topic}`,
    cause === undefined ? { retriable: true } : { retriable: true, cause },
  );
}
