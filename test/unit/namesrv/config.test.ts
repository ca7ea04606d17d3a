// Proves the NameServer config surface: conf/namesrv.conf names exactly the schema's keys (with
// the schema's defaults), the shipped file loads, and `petrel standalone` routes --key=value
// overrides to components (prefixed, shared, unknown refused).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/common/config/load.js';
import { namesrvSchema } from '../../../src/namesrv/config.js';
import { type StandaloneComponent, routeOverrides } from '../../../src/cli/standalone.js';
import { booleanKey, stringKey } from '../../../src/common/config/schema.js';

const CONF = join(import.meta.dirname, '..', '..', '..', 'conf', 'namesrv.conf');

describe('namesrv config', () => {
  it('conf/namesrv.conf lists every schema key with its default, and nothing else', () => {
    const lines = readFileSync(CONF, 'utf8').split('\n').filter((line) => /^#?\w+=/.test(line));
    const entries = lines.map((line) => line.replace(/^#/, '').split('=') as [string, string]);
    expect(entries.map(([key]) => key).sort()).toEqual(Object.keys(namesrvSchema).sort());
    for (const [key, value] of entries) {
      expect(value).toBe(String(namesrvSchema[key as keyof typeof namesrvSchema].default));
    }
    expect(loadConfig(namesrvSchema, { file: CONF }).listenPort).toBe(9876);
  });
});

describe('standalone override routing', () => {
  const components: StandaloneComponent[] = [
    { name: 'namesrv', schema: { listenPort: stringKey('9876', ''), logDir: stringKey('', '') }, start: () => Promise.reject(new Error('unused')) },
    { name: 'broker', schema: { listenPort: stringKey('10911', ''), logDir: stringKey('', ''), autoCreateTopicEnable: booleanKey(true, '') }, start: () => Promise.reject(new Error('unused')) },
  ];
  it('sends prefixed keys to one component and shared keys to all that have them', () => {
    const routed = routeOverrides(components, {
      'namesrv.listenPort': '1', 'broker.listenPort': '2', logDir: '/tmp/x', autoCreateTopicEnable: 'false',
    });
    expect(routed.get('namesrv')).toEqual({ listenPort: '1', logDir: '/tmp/x' });
    expect(routed.get('broker')).toEqual({ listenPort: '2', logDir: '/tmp/x', autoCreateTopicEnable: 'false' });
  });
  it('refuses a key no component knows, naming it', () => {
    expect(() => routeOverrides(components, { bogusKey: '1' })).toThrow(/bogusKey/);
  });
});
