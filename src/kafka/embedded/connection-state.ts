import type { EmbeddedCluster } from './cluster.js';
import { illegalState } from './errors.js';

/**
 * Connect/disconnect bookkeeping shared by the embedded clients. They demand `connect()` before
 * use, as the real client does, so code that forgets it fails here and not first on Kafka.
 */
export class ConnectionState {
  #connected = false;

  constructor(
    readonly cluster: EmbeddedCluster,
    readonly what: string,
  ) {}

  get connected(): boolean {
    return this.#connected;
  }

  connect(): void {
    this.cluster.ensureOpen();
    this.#connected = true;
  }

  disconnect(): void {
    this.#connected = false;
  }

  ensureConnected(): void {
    this.cluster.ensureOpen();
    if (!this.#connected) throw illegalState(`The ${this.what} is not connected; call connect() first`);
  }
}
