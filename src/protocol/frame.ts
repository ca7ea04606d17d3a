import { assert } from '../common/assert.js';
import { ErrorCode, PetrelError } from '../common/errors.js';
import { FRAME_BYTES_MAX, FRAME_BYTES_MIN } from '../common/limits.js';
import { FLAG_RESPONSE, type RemotingCommand, SerializeType } from './command.js';
import { BinaryRequest } from './binary-request.js';
import { int16At, int32At } from './bytes.js';
import { binaryHeaderBytes, decodeBinaryHeader, decodeBinaryHeaderLazy, writeBinaryHeader } from './header-binary.js';
import { decodeJsonHeader, encodeJsonHeader } from './header-json.js';

/**
 * Remoting frame (reference §1.1):
 *
 *   length i32 (bytes after this field) | serializeType u8 << 24 | headerLength u24 |
 *   header (headerLength bytes) | body (length - 4 - headerLength bytes)
 */
export const LENGTH_PREFIX_BYTES = 4;

/** Encodes one command as a complete frame, length prefix included. */
export function encodeCommand(command: RemotingCommand): Buffer {
  const body = command.body;
  const bodyBytes = body === null ? 0 : body.length;
  if (command.serializeType !== SerializeType.ROCKETMQ) {
    const header = encodeJsonHeader(command);
    const frame = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + 4 + header.length + bodyBytes);
    writePrefix(frame, command.serializeType, header.length, bodyBytes);
    header.copy(frame, 8);
    if (body !== null && bodyBytes > 0) frame.set(body, 8 + header.length);
    return frame;
  }
  // Binary: measured once, written in place, one allocation for the whole frame.
  const headerBytes = binaryHeaderBytes(command);
  const frame = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + 4 + headerBytes + bodyBytes);
  writePrefix(frame, command.serializeType, headerBytes, bodyBytes);
  const end = writeBinaryHeader(command, frame, 8);
  assert(end === 8 + headerBytes, 'binary header size must match its measure');
  if (body !== null && bodyBytes > 0) frame.set(body, end);
  return frame;
}

/**
 * Encodes a command as [prefix+header, body] without copying the body, for writers that
 * gather (writev / cork). The two buffers together are byte-identical to `encodeCommand`.
 */
export function encodeCommandParts(command: RemotingCommand): Buffer[] {
  const body = command.body;
  if (body === null || body.length === 0) return [encodeCommand(command)];
  let head: Buffer;
  if (command.serializeType === SerializeType.ROCKETMQ) {
    const headerBytes = binaryHeaderBytes(command);
    head = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + 4 + headerBytes);
    writePrefix(head, command.serializeType, headerBytes, body.length);
    const end = writeBinaryHeader(command, head, 8);
    assert(end === head.length, 'binary header size must match its measure');
  } else {
    const header = encodeJsonHeader(command);
    head = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + 4 + header.length);
    writePrefix(head, command.serializeType, header.length, body.length);
    header.copy(head, 8);
  }
  return [head, body];
}

/** length (bytes after the prefix) | serializeType << 24 | headerLength. */
function writePrefix(frame: Buffer, serializeType: number, headerBytes: number, bodyBytes: number): void {
  frame.writeInt32BE(4 + headerBytes + bodyBytes, 0);
  frame.writeUInt32BE(((serializeType << 24) | headerBytes) >>> 0, 4);
}

/**
 * Decodes a frame's content (everything after the length prefix). A request with a binary
 * header whose code is in `lazyExtCodes` comes back as a `BinaryRequest`: its ext map is checked
 * now but built only if read (the broker's SEND path reads the header from the bytes instead).
 */
export function decodeFrame(content: Buffer, lazyExtCodes?: ReadonlySet<number>): RemotingCommand {
  if (content.length < FRAME_BYTES_MIN) throw malformed(`frame of ${content.length} bytes is too short`);
  const word = content.readUInt32BE(0);
  const serializeType = word >>> 24;
  const headerLength = word & 0xffffff;
  if (headerLength > content.length - 4) {
    throw malformed(`header length ${headerLength} exceeds frame (${content.length - 4} bytes)`);
  }
  const headerEnd = 4 + headerLength;
  const body = content.length > headerEnd ? content.subarray(headerEnd) : null;
  let fields;
  if (serializeType === SerializeType.JSON) {
    fields = decodeJsonHeader(content.subarray(4, headerEnd));
  } else if (serializeType === SerializeType.ROCKETMQ) {
    if (lazyExtCodes !== undefined && lazyExtCodes.has(int16At(content, 4)) && (int32At(content, 13) & FLAG_RESPONSE) === 0) {
      return binaryRequest(content, headerEnd, body);
    }
    fields = decodeBinaryHeader(content, 4, headerEnd);
  } else {
    throw malformed(`unknown serialize type ${serializeType}`);
  }
  // An explicit literal (not a spread): one object shape for every command, built fast.
  return {
    code: fields.code, language: fields.language, version: fields.version, opaque: fields.opaque,
    flag: fields.flag, remark: fields.remark, extFields: fields.extFields, body, serializeType,
  };
}

function binaryRequest(content: Buffer, headerEnd: number, body: Buffer | null): BinaryRequest {
  const fields = decodeBinaryHeaderLazy(content, 4, headerEnd);
  return new BinaryRequest(fields.code, fields.language, fields.version, fields.opaque, fields.flag, fields.remark,
    body, SerializeType.ROCKETMQ, { bytes: content, start: fields.extStart, end: headerEnd });
}

function malformed(message: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_FRAME_MALFORMED, message);
}

/** Frames larger than this may be read in place (see `FrameDecoder.readTarget`): Node's default read size. */
export const IN_PLACE_FRAME_BYTES_MIN = 64 * 1024;

/**
 * Incremental frame splitter, fed arbitrary chunks (STYLE §6). It checks every length prefix
 * against `frameBytesMax` before buffering the frame, so a hostile length cannot make it
 * allocate. Emits each frame's content (after the length prefix) to the sink; the content is
 * a view that stays valid (it is never overwritten later).
 *
 * A reader that can choose where its next read lands (the client's TCP connection) asks
 * `readTarget()` before each read: while a frame of more than IN_PLACE_FRAME_BYTES_MIN is
 * awaited, the decoder allocates that frame's content buffer (its length already checked) and
 * lends the view of its missing bytes, so the socket fills the frame directly and `push` of
 * that view only advances (no concatenation copy). Readers that never ask keep the
 * collect-then-concatenate path, which allocates only as bytes arrive.
 */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The awaited large frame's content, filled in place up to `frameFilled` bytes. */
  private frame: Buffer | null = null;
  private frameFilled = 0;

  constructor(
    private readonly sink: (content: Buffer) => void,
    private readonly frameBytesMax: number = FRAME_BYTES_MAX,
  ) {
    assert(frameBytesMax >= FRAME_BYTES_MIN, 'frameBytesMax too small');
  }

  get bufferedBytes(): number {
    return this.frame === null ? this.pendingBytes : LENGTH_PREFIX_BYTES + this.frameFilled;
  }

  /**
   * Where the next read should land: a view of the awaited large frame's missing bytes, or
   * null (the reader uses a fresh buffer of its own). A chunk read into that view must be the
   * next `push`, as `view.subarray(0, bytesRead)`.
   */
  readTarget(): Buffer | null {
    if (this.frame === null) {
      const length = this.awaitedContentBytes();
      if (length <= IN_PLACE_FRAME_BYTES_MIN) return null;
      this.startInPlace(length);
    }
    const frame = this.frame as Buffer;
    return frame.subarray(this.frameFilled);
  }

  /** Throws PetrelError(ERR_FRAME_TOO_LARGE | ERR_FRAME_MALFORMED); the caller closes the connection. */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.frame !== null) {
      data = this.fill(this.frame, chunk);
      if (data.length === 0) return;
    } else if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      // Concatenate only once the whole awaited frame (or at least its prefix) is here, so a
      // large frame arriving in many chunks is copied once, not once per chunk.
      if (this.pendingBytes < this.awaitedBytes()) return;
      data = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    this.split(data);
  }

  private split(data: Buffer): void {
    let position = 0;
    while (data.length - position >= LENGTH_PREFIX_BYTES) {
      const length = data.readInt32BE(position);
      this.checkLength(length);
      if (data.length - position - LENGTH_PREFIX_BYTES < length) break;
      const start = position + LENGTH_PREFIX_BYTES;
      position = start + length;
      this.sink(data.subarray(start, position));
    }
    if (position < data.length) {
      const rest = data.subarray(position);
      this.pending.push(rest);
      this.pendingBytes = rest.length;
    }
  }

  /**
   * Adds `chunk` to the in-place frame: a chunk read into the lent view only advances, any other
   * is copied. Emits the frame once full; returns the chunk's bytes beyond it.
   */
  private fill(frame: Buffer, chunk: Buffer): Buffer {
    const missingBytes = frame.length - this.frameFilled;
    let usedBytes: number;
    if (chunk.buffer === frame.buffer && chunk.byteOffset === frame.byteOffset + this.frameFilled) {
      assert(chunk.length <= missingBytes, 'an in-place read stays inside its frame');
      usedBytes = chunk.length;
    } else {
      usedBytes = Math.min(chunk.length, missingBytes);
      chunk.copy(frame, this.frameFilled, 0, usedBytes);
    }
    this.frameFilled += usedBytes;
    if (this.frameFilled === frame.length) {
      this.frame = null;
      this.frameFilled = 0;
      this.sink(frame);
    }
    return chunk.subarray(usedBytes);
  }

  /** Moves the pending bytes (prefix included, length checked) into a new in-place frame buffer. */
  private startInPlace(length: number): void {
    const frame = Buffer.allocUnsafe(length);
    let skipBytes = LENGTH_PREFIX_BYTES;
    let filled = 0;
    for (const piece of this.pending) {
      const from = Math.min(skipBytes, piece.length);
      skipBytes -= from;
      filled += piece.copy(frame, filled, from);
    }
    assert(filled < length, 'a complete frame is never pending');
    this.pending = [];
    this.pendingBytes = 0;
    this.frame = frame;
    this.frameFilled = filled;
  }

  /**
   * The pending frame's content length when its whole prefix is in the first pending piece
   * (then `split` has checked it), else 0.
   */
  private awaitedContentBytes(): number {
    const first = this.pending[0];
    if (first === undefined || first.length < LENGTH_PREFIX_BYTES) return 0;
    return first.readInt32BE(0);
  }

  /** Bytes needed before the pending data can yield a frame. */
  private awaitedBytes(): number {
    const first = this.pending[0] as Buffer;
    if (first.length >= LENGTH_PREFIX_BYTES) return LENGTH_PREFIX_BYTES + first.readInt32BE(0);
    return LENGTH_PREFIX_BYTES;
  }

  private checkLength(length: number): void {
    if (length < FRAME_BYTES_MIN) throw malformed(`frame length ${length} below minimum ${FRAME_BYTES_MIN}`);
    if (length > this.frameBytesMax) {
      throw new PetrelError(
        ErrorCode.ERR_FRAME_TOO_LARGE,
        `frame length ${length} exceeds limit ${this.frameBytesMax}`,
      );
    }
  }
}
