/**
 * Petrel driver: placeholder until the client SDK (src/client) exports its Producer and
 * consumers; it refuses to run rather than pretending.
 */
import type { BenchmarkConsumer, BenchmarkDriver, BenchmarkProducer, DriverConfig, DriverEnvironment } from '../types.js';

export class PetrelDriver implements BenchmarkDriver {
  readonly name: string;
  constructor(config: DriverConfig) {
    this.name = config.name;
  }
  async initialize(): Promise<void> {
    throw new Error('the Petrel SDK is not available yet');
  }
  topicNamePrefix(): string {
    return 'unused';
  }
  async createTopic(): Promise<void> {}
  async createProducer(): Promise<BenchmarkProducer> {
    throw new Error('unavailable');
  }
  async createConsumer(): Promise<BenchmarkConsumer> {
    throw new Error('unavailable');
  }
  environment(): DriverEnvironment {
    throw new Error('unavailable');
  }
  async close(): Promise<void> {}
}
