import { loadConfig } from '../common/config/load.js';
import type { ConfigSchema } from '../common/config/schema.js';
import { ErrorCode, PetrelError } from '../common/errors.js';
import { namesrvSchema } from '../namesrv/config.js';
import { NameServer } from '../namesrv/namesrv.js';

/**
 * `petrel standalone`: every server component in one process, started in order and stopped in
 * reverse. A component declares its config schema and a start function; it may publish values
 * (the NameServer publishes `namesrvAddr`) that later components read. The Broker and the
 * Dashboard plug in by adding an entry to `standaloneComponents`.
 *
 * Config routing: `--<component>.<key>=value` goes to that component; an unprefixed `--key=value`
 * goes to every component whose schema has the key (e.g. logDir); a key no component knows is
 * refused naming the key.
 */
export interface RunningComponent {
  /** One line for stdout, e.g. "NameServer listening on 0.0.0.0:9876". */
  readonly listening: string;
  stop(): Promise<void>;
}

export interface StandaloneComponent {
  readonly name: string;
  readonly schema: ConfigSchema;
  start(overrides: Record<string, string>, published: Map<string, string>): Promise<RunningComponent>;
}

export const namesrvComponent: StandaloneComponent = {
  name: 'namesrv',
  schema: namesrvSchema,
  async start(overrides, published) {
    const config = loadConfig(namesrvSchema, { overrides });
    const nameServer = new NameServer({ config });
    const port = await nameServer.start();
    published.set('namesrvAddr', `127.0.0.1:${port}`);
    return {
      listening: `NameServer listening on ${config.bindAddress}:${port}`,
      stop: () => nameServer.stop(),
    };
  },
};

/** Start order. The Broker (after the NameServer, reading `namesrvAddr`) and the Dashboard go here. */
export const standaloneComponents: StandaloneComponent[] = [namesrvComponent];

/** Splits `--key=value` overrides between components (see the module comment). */
export function routeOverrides(
  components: readonly StandaloneComponent[],
  overrides: Readonly<Record<string, string>>,
): Map<string, Record<string, string>> {
  const routed = new Map<string, Record<string, string>>(components.map((component) => [component.name, {}]));
  for (const [key, value] of Object.entries(overrides)) {
    const dot = key.indexOf('.');
    const prefix = dot > 0 ? key.slice(0, dot) : '';
    const prefixed = routed.get(prefix);
    if (prefixed !== undefined) {
      prefixed[key.slice(dot + 1)] = value;
      continue;
    }
    const owners = components.filter((component) => key in component.schema);
    if (owners.length === 0) throw new PetrelError(ErrorCode.ERR_CONFIG_UNKNOWN_KEY, `unknown config key: ${key}`);
    for (const owner of owners) (routed.get(owner.name) as Record<string, string>)[key] = value;
  }
  return routed;
}

/** Starts every component; on a failure stops the ones already running and rethrows. */
export async function startStandalone(
  overrides: Readonly<Record<string, string>>,
  components: readonly StandaloneComponent[] = standaloneComponents,
): Promise<RunningComponent[]> {
  const routed = routeOverrides(components, overrides);
  const published = new Map<string, string>();
  const running: RunningComponent[] = [];
  try {
    for (const component of components) {
      running.push(await component.start(routed.get(component.name) ?? {}, published));
    }
  } catch (error) {
    await stopStandalone(running);
    throw error;
  }
  return running;
}

export async function stopStandalone(running: readonly RunningComponent[]): Promise<void> {
  for (const component of [...running].reverse()) await component.stop();
}
