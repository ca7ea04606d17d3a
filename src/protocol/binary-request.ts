import type { LanguageName, RemotingCommand, SerializeType } from './command.js';
import { decodeExtMap } from './header-binary.js';

/**
 * A request with a ROCKETMQ binary header whose ext map stays in the frame's bytes until
 * something reads `extFields`. The broker's SEND path reads its header straight from
 * `extBytes` (headers/send-message.ts, `decodeSendMessageRequestHeaderV2Bytes`), so a send
 * builds no 13-entry map and no string per field. The map was checked entry by entry when the
 * frame was decoded (`decodeBinaryHeaderLazy`), so a malformed one still closes the connection
 * at decode time, as with the eager decoder. `decodeFrame` makes one only for the request codes
 * its caller names; everything else stays a plain object.
 */
export interface ExtBytes {
  readonly bytes: Buffer;
  /** First byte of the first entry. */
  readonly start: number;
  /** End of the header (the map runs to it). */
  readonly end: number;
}

export class BinaryRequest implements RemotingCommand {
  private ext: Record<string, string> | null | undefined = undefined;

  constructor(
    public code: number,
    public language: LanguageName,
    public version: number,
    public opaque: number,
    public flag: number,
    public remark: string | null,
    public body: Buffer | null,
    public serializeType: SerializeType,
    readonly extBytes: ExtBytes,
  ) {}

  get extFields(): Record<string, string> | null {
    if (this.ext === undefined) {
      const { bytes, start, end } = this.extBytes;
      this.ext = start === end ? null : decodeExtMap(bytes, start, end);
    }
    return this.ext;
  }

  set extFields(value: Record<string, string> | null) {
    this.ext = value;
  }
}
