import { type Clock, systemClock } from '../../common/clock.js';
import { SEND_QUEUE_BYTES_MAX } from '../../common/limits.js';
import type { Logger } from '../../common/log.js';
import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel, RequestHandler } from '../../remoting/channel.js';
import { handleGetEarliestMsgStoretime } from '../handlers/get-earliest-msg-storetime.js';
import { handleGetMaxOffset } from '../handlers/get-max-offset.js';
import { handleGetMinOffset } from '../handlers/get-min-offset.js';
import { handlePullMessage } from '../handlers/pull-message.js';
import { handleQueryMessage } from '../handlers/query-message.js';
import { handleSearchOffsetByTimestamp } from '../handlers/search-offset-by-timestamp.js';
import { handleSendBatchMessage } from '../handlers/send-batch-message.js';
import { handleSendMessage } from '../handlers/send-message.js';
import { handleViewMessageById } from '../handlers/view-message-by-id.js';
import type { DataPlaneConfig } from './config.js';
import type { DataPlaneContext } from './context.js';
import type { ControlPort, MessageAppender, MessageReader, TopicTables } from './ports.js';
import { PullHoldService } from './pull-hold.js';
import { SendQueue } from './send-queue.js';

/**
 * The data plane: SEND_MESSAGE(_V2), SEND_BATCH_MESSAGE, PULL_MESSAGE (long polling) and the
 * cheap store reads, as one RequestHandler usable in any thread. The caller supplies the ports
 * (store append and read sides, topic tables, the control plane); `createDataPlane` wires the
 * long-poll service to the store's max-offset notification (taken while a pull is held).
 */
export interface DataPlaneDeps {
  readonly config: DataPlaneConfig;
  readonly tables: TopicTables;
  readonly appender: MessageAppender;
  readonly reader: MessageReader;
  readonly control: ControlPort;
  readonly logger: Logger;
  readonly clock?: Clock;
}

export interface DataPlane {
  readonly handler: RequestHandler;
  /** Pulls currently held by long polling. */
  heldPullCount(): number;
  start(): void;
  /** Answers every held pull and stops listening for store changes. */
  stop(): void;
}

/** The request codes the data plane serves; everything else belongs to the control plane. */
export const DATA_PLANE_REQUEST_CODES: ReadonlySet<number> = new Set([
  RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE,
  RequestCode.PULL_MESSAGE, RequestCode.GET_MAX_OFFSET, RequestCode.GET_MIN_OFFSET,
  RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, RequestCode.GET_EARLIEST_MSG_STORETIME,
  RequestCode.VIEW_MESSAGE_BY_ID, RequestCode.QUERY_MESSAGE,
]);

/**
 * Requests whose handler reads a binary header straight from the frame's bytes: transports pass
 * these as `lazyExtCodes` so no extFields map is built for them (protocol/binary-request.ts).
 */
export const LAZY_HEADER_REQUEST_CODES: ReadonlySet<number> = new Set([
  RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE,
]);

export function createDataPlane(deps: DataPlaneDeps): DataPlane {
  const clock = deps.clock ?? systemClock;
  // The hold service subscribes to the reader's store-change notifications only while it holds
  // a pull (pull-hold.ts), so an I/O thread with no held pull is not woken by every publish.
  const holds = new PullHoldService(deps.reader, clock);
  const sends = new SendQueue(deps.appender, {
    waitTimeMs: deps.config.waitTimeMillsInSendQueue,
    fastFailure: deps.config.brokerFastFailureEnable,
    capacityRequests: deps.config.sendThreadPoolQueueCapacity,
    capacityBytes: SEND_QUEUE_BYTES_MAX,
    nowMs: () => clock.nowMs(),
  });
  const ctx: DataPlaneContext = {
    config: deps.config, tables: deps.tables, appender: deps.appender, sends, reader: deps.reader,
    control: deps.control, holds, clock, logger: deps.logger,
  };
  return {
    handler: (command, channel) => dispatch(ctx, command, channel),
    heldPullCount: () => holds.size,
    start() {},
    stop() {
      holds.stop();
      sends.close();
    },
  };
}

function dispatch(
  ctx: DataPlaneContext, command: RemotingCommand, channel: Channel,
): RemotingCommand | Promise<RemotingCommand> {
  switch (command.code) {
    case RequestCode.SEND_MESSAGE:
    case RequestCode.SEND_MESSAGE_V2:
      return handleSendMessage(ctx, command, channel);
    case RequestCode.SEND_BATCH_MESSAGE:
      return handleSendBatchMessage(ctx, command, channel);
    case RequestCode.PULL_MESSAGE:
      return handlePullMessage(ctx, command, channel);
    case RequestCode.GET_MAX_OFFSET:
      return handleGetMaxOffset(ctx, command);
    case RequestCode.GET_MIN_OFFSET:
      return handleGetMinOffset(ctx, command);
    case RequestCode.SEARCH_OFFSET_BY_TIMESTAMP:
      return handleSearchOffsetByTimestamp(ctx, command);
    case RequestCode.GET_EARLIEST_MSG_STORETIME:
      return handleGetEarliestMsgStoretime(ctx, command);
    case RequestCode.VIEW_MESSAGE_BY_ID:
      return handleViewMessageById(ctx, command);
    case RequestCode.QUERY_MESSAGE:
      return handleQueryMessage(ctx, command);
    default:
      return createResponse(command, ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
        ` request type ${command.code} not supported`);
  }
}
