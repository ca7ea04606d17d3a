import { crc32 } from 'node:zlib';
import { assert } from '../../src/common/assert.js';
import {
  type RemotingCommand, createRequest, createResponse,
} from '../../src/protocol/command.js';
import { encodeCommand } from '../../src/protocol/frame.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { RequestHandler } from '../../src/remoting/channel.js';

/**
 * The synthetic protocol the WebSocket soak and the transport tests speak: request codes outside
 * RocketMQ's range, and bodies that prove their own integrity.
 *
 * A soak body is `crc32(rest) u32 BE | rest`, where `rest` is a slice of a fixed pseudo-random
 * pool starting at a position derived from the sequence number, so consecutive bodies differ
 * and a receiver that lost sync (the uWS payload-loss bug) sees CRC mismatches or malformed
 * frames, never a silent pass.
 *
 * - SEND: the client sends a body; the server checks it and answers SUCCESS (or SYSTEM_ERROR
 *   with the reason as remark, counted as an error).
 * - PULL: extFields `{ frameBytes, seq }`; the server answers with a response whose encoded frame
 *   (length prefix included) is exactly `frameBytes` long: 65,479 and 130,956 are the sizes that
 *   line up with loopback TCP segments and trigger the uWS bug without the safe send pattern.
 */
export const SoakCode = { SEND: 9001, PULL: 9002 } as const;

const POOL_BYTES = 8 * 1024 * 1024;
const CRC_BYTES = 4;

let pool: Buffer | null = null;

/** The deterministic pseudo-random pool (xorshift32), built once. */
export function payloadPool(): Buffer {
  if (pool !== null) return pool;
  const built = Buffer.allocUnsafe(POOL_BYTES);
  let state = 0x9e3779b9;
  for (let position = 0; position < POOL_BYTES; position += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    built.writeUInt32LE(state >>> 0, position);
  }
  pool = built;
  return built;
}

/** A self-checking body of exactly `sizeBytes` (>= 4). */
export function makeSoakBody(sizeBytes: number, seq: number): Buffer {
  assert(sizeBytes >= CRC_BYTES, 'soak body holds at least its CRC');
  const source = payloadPool();
  const restBytes = sizeBytes - CRC_BYTES;
  assert(restBytes <= source.length, 'soak body larger than the pool');
  const start = (seq * 4099) % (source.length - restBytes + 1);
  const body = Buffer.allocUnsafe(sizeBytes);
  source.copy(body, CRC_BYTES, start, start + restBytes);
  body.writeUInt32BE(crc32(body.subarray(CRC_BYTES)) >>> 0, 0);
  return body;
}

/** Null when `body` is intact, else what is wrong with it. */
export function checkSoakBody(body: Buffer | null): string | null {
  if (body === null || body.length < CRC_BYTES) return `body of ${body?.length ?? 0} bytes has no CRC`;
  const expected = body.readUInt32BE(0);
  const actual = crc32(body.subarray(CRC_BYTES)) >>> 0;
  return expected === actual ? null : `crc mismatch: header ${expected}, computed ${actual} over ${body.length} bytes`;
}

export function soakSendRequest(sizeBytes: number, seq: number): RemotingCommand {
  return createRequest(SoakCode.SEND, { seq: String(seq) }, makeSoakBody(sizeBytes, seq));
}

export function soakPullRequest(frameBytes: number, seq: number): RemotingCommand {
  return createRequest(SoakCode.PULL, { frameBytes: String(frameBytes), seq: String(seq) });
}

/** A PULL response whose encoded frame is exactly `frameBytes` long. */
export function soakPullResponse(request: RemotingCommand, frameBytes: number, seq: number): RemotingCommand {
  const response = createResponse(request, ResponseCode.SUCCESS, null, { seq: String(seq) });
  const headBytes = encodeCommand(response).length;
  assert(frameBytes >= headBytes + CRC_BYTES, `frame of ${frameBytes} bytes cannot hold a soak body`);
  response.body = makeSoakBody(frameBytes - headBytes, seq);
  assert(encodeCommand(response).length === frameBytes, 'pull frame has the asked size');
  return response;
}

export interface SoakServerStats {
  sendBytes: number;
  sendCount: number;
  pullBytes: number;
  pullCount: number;
  errors: string[];
}

export function newSoakServerStats(): SoakServerStats {
  return { sendBytes: 0, sendCount: 0, pullBytes: 0, pullCount: 0, errors: [] };
}

/** Serves SEND and PULL; other codes get REQUEST_CODE_NOT_SUPPORTED. */
export function createSoakHandler(stats: SoakServerStats): RequestHandler {
  return (request) => {
    if (request.code === SoakCode.SEND) {
      const problem = checkSoakBody(request.body);
      stats.sendCount++;
      stats.sendBytes += request.body?.length ?? 0;
      if (problem !== null) {
        stats.errors.push(`send seq ${request.extFields?.['seq'] ?? '?'}: ${problem}`);
        return createResponse(request, ResponseCode.SYSTEM_ERROR, problem);
      }
      return createResponse(request, ResponseCode.SUCCESS);
    }
    if (request.code === SoakCode.PULL) {
      const frameBytes = Number(request.extFields?.['frameBytes'] ?? 'NaN');
      const seq = Number(request.extFields?.['seq'] ?? '0');
      const response = soakPullResponse(request, frameBytes, seq);
      stats.pullCount++;
      stats.pullBytes += frameBytes;
      return response;
    }
    return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${request.code} not supported`);
  };
}
