// Proves the NameServer headers decode Java's extFields (typed), re-encode to the same
// strings, and name the field in ERR_HEADER_FIELD_MISSING when a required one is absent or
// does not parse.
import { describe, expect, it } from 'vitest';
import {
  decodeGetRouteInfoRequestHeader, decodeKvConfigKeyRequestHeader, decodeRegisterBrokerRequestHeader,
  encodeRegisterBrokerRequestHeader, decodeWipeWritePermOfBrokerResponseHeader,
} from '../../../src/protocol/headers/namesrv.js';

describe('namesrv headers', () => {
  const ext = {
    brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', clusterName: 'DefaultCluster',
    haServerAddr: '10.0.0.1:10912', brokerId: '0', compressed: 'false', bodyCrc32: '12345', bname: 'x',
  };

  it('decodes REGISTER_BROKER and re-encodes the known keys', () => {
    const header = decodeRegisterBrokerRequestHeader(ext);
    expect(header).toEqual({
      brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', clusterName: 'DefaultCluster',
      haServerAddr: '10.0.0.1:10912', brokerId: 0, compressed: false, bodyCrc32: 12345,
    });
    const { bname: _ignored, ...known } = ext;
    expect(encodeRegisterBrokerRequestHeader(header)).toEqual(known);
  });

  it('names a missing or unparsable required field', () => {
    const { brokerAddr: _dropped, ...rest } = ext;
    expect(() => decodeRegisterBrokerRequestHeader(rest))
      .toThrow(expect.objectContaining({ code: 'ERR_HEADER_FIELD_MISSING', message: expect.stringContaining('brokerAddr') }));
    expect(() => decodeRegisterBrokerRequestHeader({ ...ext, brokerId: 'zero' }))
      .toThrow(expect.objectContaining({ code: 'ERR_HEADER_FIELD_MISSING', message: expect.stringContaining('brokerId') }));
    expect(() => decodeKvConfigKeyRequestHeader(null))
      .toThrow(expect.objectContaining({ code: 'ERR_HEADER_FIELD_MISSING' }));
    expect(() => decodeWipeWritePermOfBrokerResponseHeader({ wipeTopicCount: '99999999999' }))
      .toThrow(expect.objectContaining({ code: 'ERR_HEADER_FIELD_MISSING' }));
  });

  it('parses booleans like Java (case-insensitive "true", anything else false)', () => {
    expect(decodeGetRouteInfoRequestHeader({ topic: 'T', acceptStandardJsonOnly: 'TRUE' }).acceptStandardJsonOnly).toBe(true);
    expect(decodeGetRouteInfoRequestHeader({ topic: 'T', acceptStandardJsonOnly: 'yes' }).acceptStandardJsonOnly).toBe(false);
    expect(decodeGetRouteInfoRequestHeader({ topic: 'T' }).acceptStandardJsonOnly).toBeUndefined();
  });
});
