import type { RequestHandler } from '../remoting/channel.js';
import { DATA_PLANE_REQUEST_CODES } from './data-plane/index.js';

/**
 * The one place that knows both planes (README "Contract", point 2): data-plane codes (sends,
 * pulls, store reads) go to the data plane, everything else to the control plane. Used when the
 * sockets live on the main thread; the I/O threads make the same split themselves.
 */
export function createRouter(planes: { dataPlane: RequestHandler; controlPlane: RequestHandler }): RequestHandler {
  return (command, channel) => (DATA_PLANE_REQUEST_CODES.has(command.code)
    ? planes.dataPlane(command, channel)
    : planes.controlPlane(command, channel));
}
