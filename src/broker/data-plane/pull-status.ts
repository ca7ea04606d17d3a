import { unreachable } from '../../common/assert.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { GetMessageStatus } from '../../store/types.js';

/**
 * The store's pull outcome (RocketMQ's GetMessageStatus, src/store/types.ts) mapped to the
 * response code (reference §2.4 step 5, §5.8). The store computes nextBeginOffset for each status (min for OFFSET_TOO_SMALL,
 * max for OFFSET_OVERFLOW_BADLY, 0 for an empty queue, the scan end otherwise).
 */
export type PullResponseCode =
  | typeof ResponseCode.SUCCESS
  | typeof ResponseCode.PULL_NOT_FOUND
  | typeof ResponseCode.PULL_RETRY_IMMEDIATELY
  | typeof ResponseCode.PULL_OFFSET_MOVED;

/** Response code for a store status; `requestQueueOffset` decides the empty-queue case. */
export function pullResponseCode(status: GetMessageStatus, requestQueueOffset: number): PullResponseCode {
  switch (status) {
    case GetMessageStatus.FOUND:
      return ResponseCode.SUCCESS;
    case GetMessageStatus.NO_MATCHED_MESSAGE:
    case GetMessageStatus.MESSAGE_WAS_REMOVING:
      return ResponseCode.PULL_RETRY_IMMEDIATELY;
    case GetMessageStatus.OFFSET_OVERFLOW_ONE:
    case GetMessageStatus.OFFSET_FOUND_NULL:
      return ResponseCode.PULL_NOT_FOUND;
    case GetMessageStatus.NO_MESSAGE_IN_QUEUE:
      return requestQueueOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
    case GetMessageStatus.OFFSET_TOO_SMALL:
    case GetMessageStatus.OFFSET_OVERFLOW_BADLY:
      return ResponseCode.PULL_OFFSET_MOVED;
    default:
      return unreachable(status);
  }
}
