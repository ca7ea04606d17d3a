import { silentLogger } from '../../src/common/log.js';
import { ErrorCode, PetrelError } from '../../src/common/errors.js';
import type { RemotingCommand } from '../../src/protocol/command.js';
import { FrameDecoder, encodeCommand } from '../../src/protocol/frame.js';
import { type Channel, nextChannelId } from '../../src/remoting/channel.js';
import { type ChannelState, Dispatcher } from '../../src/remoting/dispatcher.js';
import { PendingTable } from '../../src/remoting/pending.js';
import { type WsConnection, connectWs } from '../../src/remoting/ws-connection.js';

/**
 * A minimal remoting client over one WsConnection, built from the same pieces RemotingClient
 * uses (Dispatcher, PendingTable, FrameDecoder): enough for the soak and the transport tests,
 * which also need what a real client hides: the size of every WebSocket message received and a
 * way to stop reading for a while (a slow reader).
 */
export class SoakWsClient {
  readonly messageSizes: number[] = [];
  recordMessageSizes = false;
  /** Called with the size of every WebSocket message received. */
  onMessage: ((sizeBytes: number) => void) | null = null;
  private readonly dispatcher = new Dispatcher({ handler: null, logger: silentLogger });
  private readonly state: ChannelState;
  private closeReasonText: string | null = null;
  private pausedUntilMs = 0;

  private constructor(readonly connection: WsConnection) {
    const channel = connectionChannel(connection);
    this.state = { channel, pending: new PendingTable(`ws ${connection.remoteAddress}`), inFlightRequests: 0 };
    const decoder = new FrameDecoder((content) => this.dispatcher.dispatchFrame(content, this.state));
    connection.onData((chunk) => {
      if (this.recordMessageSizes) this.messageSizes.push(chunk.length);
      this.onMessage?.(chunk.length);
      try {
        decoder.push(chunk);
      } catch (error) {
        connection.close(`malformed frame from server: ${String(error)}`);
      }
    });
    connection.onClose((reason) => {
      this.closeReasonText = reason;
      this.state.pending.failAll(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, `closed: ${reason}`));
    });
  }

  static async connect(address: string, path = '/remoting'): Promise<SoakWsClient> {
    return new SoakWsClient(await connectWs(address, { connectTimeoutMs: 5000 }, { path }));
  }

  /** Null while open; the reason once closed. */
  get closeReason(): string | null {
    return this.closeReasonText;
  }

  invoke(command: RemotingCommand, timeoutMs = 30_000): Promise<RemotingCommand> {
    return this.dispatcher.invoke(this.state, command, timeoutMs);
  }

  invokeOneway(command: RemotingCommand): void {
    this.dispatcher.invokeOneway(this.state, command);
  }

  /** Writes raw bytes as one WebSocket message (tests of framing and bad input). */
  sendRaw(message: Buffer): void {
    this.connection.webSocket.send(message, { binary: true });
  }

  /** Stops reading the socket for `pauseMs` (the server's sends back up), then resumes. */
  pauseReading(pauseMs: number): void {
    const now = Date.now();
    if (now < this.pausedUntilMs) return;
    this.pausedUntilMs = now + pauseMs;
    this.connection.webSocket.pause();
    setTimeout(() => this.connection.webSocket.resume(), pauseMs);
  }

  close(): void {
    this.connection.close('client done');
  }
}

function connectionChannel(connection: WsConnection): Channel {
  const channel: Channel = {
    id: nextChannelId(),
    transport: 'ws',
    remoteAddress: connection.remoteAddress,
    localAddress: connection.localAddress,
    get closed() {
      return connection.closed;
    },
    send: (command) => connection.writeFrames([encodeCommand(command)]),
    sendFrames: (frames) => connection.writeFrames(frames),
    close: (reason) => connection.close(reason),
    onClose: (listener) => connection.onClose(() => listener(channel)),
  };
  return channel;
}
