import {
  type ExtFields, optionalBool, optionalInt, optionalString, requiredBool, requiredInt, requiredLong,
  requiredString, toExt,
} from './fields.js';

/**
 * NameServer command headers (reference §2.5). `*` = required; all values are strings on the
 * wire (ints/longs decimal, bools "true"/"false").
 *
 * REGISTER_BROKER (103) request:  brokerName* str, brokerAddr* str ("ip:port"), clusterName* str,
 *                                 haServerAddr* str, brokerId* long (0 = master),
 *                                 compressed bool (default false), bodyCrc32 int (0 = unchecked)
 *                      response:  masterAddr str, haServerAddr str (only for a slave whose master is live)
 * UNREGISTER_BROKER (104) request: brokerName* str, brokerAddr* str, clusterName* str, brokerId* long
 * QUERY_DATA_VERSION (322) request: same fields as UNREGISTER_BROKER; response: changed* bool
 * GET_ROUTEINFO_BY_TOPIC (105):   topic* str, acceptStandardJsonOnly bool (4.9.x)
 * DELETE_TOPIC_IN_NAMESRV (216):  topic* str, clusterName str (since 4.9.3)
 * WIPE_WRITE_PERM_OF_BROKER (205): brokerName* str; response: wipeTopicCount* int
 * ADD_WRITE_PERM_OF_BROKER (327): brokerName* str; response: addTopicCount* int (since 4.9.2)
 * PUT_KV_CONFIG (100):            namespace* str, key* str, value* str
 * GET_KV_CONFIG (101):            namespace* str, key* str; response: value str
 * DELETE_KV_CONFIG (102):         namespace* str, key* str
 * GET_KVLIST_BY_NAMESPACE (219):  namespace* str
 * GET_TOPICS_BY_CLUSTER (224):    cluster* str
 */

export interface RegisterBrokerRequestHeader {
  brokerName: string;
  brokerAddr: string;
  clusterName: string;
  haServerAddr: string;
  brokerId: number;
  compressed?: boolean | undefined;
  bodyCrc32?: number | undefined;
}

export function decodeRegisterBrokerRequestHeader(ext: ExtFields): RegisterBrokerRequestHeader {
  return {
    brokerName: requiredString(ext, 'brokerName'),
    brokerAddr: requiredString(ext, 'brokerAddr'),
    clusterName: requiredString(ext, 'clusterName'),
    haServerAddr: requiredString(ext, 'haServerAddr'),
    brokerId: requiredLong(ext, 'brokerId'),
    compressed: optionalBool(ext, 'compressed'),
    bodyCrc32: optionalInt(ext, 'bodyCrc32'),
  };
}

export function encodeRegisterBrokerRequestHeader(header: RegisterBrokerRequestHeader): Record<string, string> {
  return toExt({ ...header });
}

export interface RegisterBrokerResponseHeader {
  masterAddr?: string | undefined;
  haServerAddr?: string | undefined;
}

export function decodeRegisterBrokerResponseHeader(ext: ExtFields): RegisterBrokerResponseHeader {
  return { masterAddr: optionalString(ext, 'masterAddr'), haServerAddr: optionalString(ext, 'haServerAddr') };
}

export function encodeRegisterBrokerResponseHeader(header: RegisterBrokerResponseHeader): Record<string, string> {
  return toExt({ ...header });
}

/** UNREGISTER_BROKER and QUERY_DATA_VERSION share these fields. */
export interface UnregisterBrokerRequestHeader {
  brokerName: string;
  brokerAddr: string;
  clusterName: string;
  brokerId: number;
}
export type QueryDataVersionRequestHeader = UnregisterBrokerRequestHeader;

export function decodeUnregisterBrokerRequestHeader(ext: ExtFields): UnregisterBrokerRequestHeader {
  return {
    brokerName: requiredString(ext, 'brokerName'),
    brokerAddr: requiredString(ext, 'brokerAddr'),
    clusterName: requiredString(ext, 'clusterName'),
    brokerId: requiredLong(ext, 'brokerId'),
  };
}

export function encodeUnregisterBrokerRequestHeader(header: UnregisterBrokerRequestHeader): Record<string, string> {
  return toExt({ ...header });
}

export const decodeQueryDataVersionRequestHeader = decodeUnregisterBrokerRequestHeader;
export const encodeQueryDataVersionRequestHeader = encodeUnregisterBrokerRequestHeader;

export interface QueryDataVersionResponseHeader {
  changed: boolean;
}

export function decodeQueryDataVersionResponseHeader(ext: ExtFields): QueryDataVersionResponseHeader {
  return { changed: requiredBool(ext, 'changed') };
}

export function encodeQueryDataVersionResponseHeader(header: QueryDataVersionResponseHeader): Record<string, string> {
  return toExt({ ...header });
}

export interface GetRouteInfoRequestHeader {
  topic: string;
  acceptStandardJsonOnly?: boolean | undefined;
}

export function decodeGetRouteInfoRequestHeader(ext: ExtFields): GetRouteInfoRequestHeader {
  return {
    topic: requiredString(ext, 'topic'),
    acceptStandardJsonOnly: optionalBool(ext, 'acceptStandardJsonOnly'),
  };
}

export function encodeGetRouteInfoRequestHeader(header: GetRouteInfoRequestHeader): Record<string, string> {
  return toExt({ ...header });
}

export interface DeleteTopicFromNamesrvRequestHeader {
  topic: string;
  clusterName?: string | undefined;
}

export function decodeDeleteTopicFromNamesrvRequestHeader(ext: ExtFields): DeleteTopicFromNamesrvRequestHeader {
  return { topic: requiredString(ext, 'topic'), clusterName: optionalString(ext, 'clusterName') };
}

export function encodeDeleteTopicFromNamesrvRequestHeader(
  header: DeleteTopicFromNamesrvRequestHeader,
): Record<string, string> {
  return toExt({ ...header });
}

/** WIPE_WRITE_PERM_OF_BROKER and ADD_WRITE_PERM_OF_BROKER requests. */
export interface BrokerNameRequestHeader {
  brokerName: string;
}

export function decodeBrokerNameRequestHeader(ext: ExtFields): BrokerNameRequestHeader {
  return { brokerName: requiredString(ext, 'brokerName') };
}

export function encodeBrokerNameRequestHeader(header: BrokerNameRequestHeader): Record<string, string> {
  return toExt({ ...header });
}

export const decodeWipeWritePermOfBrokerRequestHeader = decodeBrokerNameRequestHeader;
export const encodeWipeWritePermOfBrokerRequestHeader = encodeBrokerNameRequestHeader;
export const decodeAddWritePermOfBrokerRequestHeader = decodeBrokerNameRequestHeader;
export const encodeAddWritePermOfBrokerRequestHeader = encodeBrokerNameRequestHeader;

export interface WipeWritePermOfBrokerResponseHeader {
  wipeTopicCount: number;
}

export function decodeWipeWritePermOfBrokerResponseHeader(ext: ExtFields): WipeWritePermOfBrokerResponseHeader {
  return { wipeTopicCount: requiredInt(ext, 'wipeTopicCount') };
}

export function encodeWipeWritePermOfBrokerResponseHeader(
  header: WipeWritePermOfBrokerResponseHeader,
): Record<string, string> {
  return toExt({ ...header });
}

export interface AddWritePermOfBrokerResponseHeader {
  addTopicCount: number;
}

export function decodeAddWritePermOfBrokerResponseHeader(ext: ExtFields): AddWritePermOfBrokerResponseHeader {
  return { addTopicCount: requiredInt(ext, 'addTopicCount') };
}

export function encodeAddWritePermOfBrokerResponseHeader(
  header: AddWritePermOfBrokerResponseHeader,
): Record<string, string> {
  return toExt({ ...header });
}

export interface PutKvConfigRequestHeader {
  namespace: string;
  key: string;
  value: string;
}

export function decodePutKvConfigRequestHeader(ext: ExtFields): PutKvConfigRequestHeader {
  return {
    namespace: requiredString(ext, 'namespace'),
    key: requiredString(ext, 'key'),
    value: requiredString(ext, 'value'),
  };
}

export function encodePutKvConfigRequestHeader(header: PutKvConfigRequestHeader): Record<string, string> {
  return toExt({ ...header });
}

/** GET_KV_CONFIG and DELETE_KV_CONFIG requests. */
export interface KvConfigKeyRequestHeader {
  namespace: string;
  key: string;
}
export type GetKvConfigRequestHeader = KvConfigKeyRequestHeader;
export type DeleteKvConfigRequestHeader = KvConfigKeyRequestHeader;

export function decodeKvConfigKeyRequestHeader(ext: ExtFields): KvConfigKeyRequestHeader {
  return { namespace: requiredString(ext, 'namespace'), key: requiredString(ext, 'key') };
}

export function encodeKvConfigKeyRequestHeader(header: KvConfigKeyRequestHeader): Record<string, string> {
  return toExt({ ...header });
}

export const decodeGetKvConfigRequestHeader = decodeKvConfigKeyRequestHeader;
export const encodeGetKvConfigRequestHeader = encodeKvConfigKeyRequestHeader;
export const decodeDeleteKvConfigRequestHeader = decodeKvConfigKeyRequestHeader;
export const encodeDeleteKvConfigRequestHeader = encodeKvConfigKeyRequestHeader;

export interface GetKvConfigResponseHeader {
  value?: string | undefined;
}

export function decodeGetKvConfigResponseHeader(ext: ExtFields): GetKvConfigResponseHeader {
  return { value: optionalString(ext, 'value') };
}

export function encodeGetKvConfigResponseHeader(header: GetKvConfigResponseHeader): Record<string, string> {
  return toExt({ ...header });
}

export interface GetKvListByNamespaceRequestHeader {
  namespace: string;
}

export function decodeGetKvListByNamespaceRequestHeader(ext: ExtFields): GetKvListByNamespaceRequestHeader {
  return { namespace: requiredString(ext, 'namespace') };
}

export function encodeGetKvListByNamespaceRequestHeader(
  header: GetKvListByNamespaceRequestHeader,
): Record<string, string> {
  return toExt({ ...header });
}

export interface GetTopicsByClusterRequestHeader {
  cluster: string;
}

export function decodeGetTopicsByClusterRequestHeader(ext: ExtFields): GetTopicsByClusterRequestHeader {
  return { cluster: requiredString(ext, 'cluster') };
}

export function encodeGetTopicsByClusterRequestHeader(
  header: GetTopicsByClusterRequestHeader,
): Record<string, string> {
  return toExt({ ...header });
}
