// Proves config loading: defaults, properties file, --key=value overrides, unknown keys refused.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseCommandLine } from '../../../src/common/config/load.js';
import { booleanKey, numberKey, stringKey } from '../../../src/common/config/schema.js';
import { tempDirForFile } from '../../helpers/temp-dirs.js';

const schema = {
  listenPort: numberKey(9876, 'port', { min: 0, max: 65535 }),
  brokerName: stringKey('broker-a', 'name'),
  autoCreateTopicEnable: booleanKey(true, 'auto create'),
};

describe('loadConfig', () => {
  it('applies defaults, file, then overrides', () => {
    const dir = tempDirForFile('petrel-config-');
    const file = join(dir, 'x.conf');
    writeFileSync(file, '# comment\nlistenPort = 10000\nbrokerName=b\n');
    const config = loadConfig(schema, { file, overrides: { listenPort: '10001' } });
    expect(config).toEqual({ listenPort: 10001, brokerName: 'b', autoCreateTopicEnable: true });
  });
  it('refuses unknown keys, naming them', () => {
    expect(() => loadConfig(schema, { overrides: { nope: '1' } })).toThrow(/unknown config key: nope/);
  });
  it('refuses out-of-range and unparsable values', () => {
    expect(() => loadConfig(schema, { overrides: { listenPort: '70000' } })).toThrow(/<= 65535/);
    expect(() => loadConfig(schema, { overrides: { autoCreateTopicEnable: 'yes' } })).toThrow(/true or false/);
  });
  it('parses a command line', () => {
    const parsed = parseCommandLine(['-n', 'h:1', '--listenPort=5', '-p']);
    expect(parsed.options).toEqual({ '-n': 'h:1' });
    expect(parsed.overrides).toEqual({ listenPort: '5' });
    expect(parsed.flags.has('-p')).toBe(true);
  });
});
