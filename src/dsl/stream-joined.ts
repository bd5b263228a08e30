import type { Serde } from '../serde/serde.js';
import type { WindowBytesStoreSupplier } from '../state/window-store-builder.js';
import { describeValue } from './internal/arguments.js';
import { validateName } from './named.js';

interface StreamJoinedFields<K, V1, V2> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V1> | undefined;
  readonly otherValueSerde: Serde<V2> | undefined;
  readonly name: string | undefined;
  readonly storeName: string | undefined;
  readonly thisStoreSupplier: WindowBytesStoreSupplier | undefined;
  readonly otherStoreSupplier: WindowBytesStoreSupplier | undefined;
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<{ [config: string]: string }>;
}

/**
 * How a KStream-KStream join keeps its state and names it (Kafka's `StreamJoined`): the serdes
 * of the key and of both streams' values (for the join's window stores and the repartition
 * topics it may insert), a name for its processors and repartition topics, a base name for its
 * stores (`<storeName>-this-join-store`, `-other-join-store`, …), store suppliers, and whether
 * the stores write changelogs. Immutable: every `with*` returns a copy.
 *
 * @example clicks.join(views, joiner, JoinWindows.ofTimeDifferenceWithNoGrace(60_000), StreamJoined.with(Serdes.String(), clickSerde, viewSerde))
 */
export class StreamJoined<K, V1, V2> implements StreamJoinedFields<K, V1, V2> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V1> | undefined;
  readonly otherValueSerde: Serde<V2> | undefined;
  readonly name: string | undefined;
  readonly storeName: string | undefined;
  readonly thisStoreSupplier: WindowBytesStoreSupplier | undefined;
  readonly otherStoreSupplier: WindowBytesStoreSupplier | undefined;
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<{ [config: string]: string }>;

  private constructor(fields: StreamJoinedFields<K, V1, V2>) {
    this.keySerde = fields.keySerde;
    this.valueSerde = fields.valueSerde;
    this.otherValueSerde = fields.otherValueSerde;
    this.name = fields.name;
    this.storeName = fields.storeName;
    this.thisStoreSupplier = fields.thisStoreSupplier;
    this.otherStoreSupplier = fields.otherStoreSupplier;
    this.loggingEnabled = fields.loggingEnabled;
    this.logConfig = fields.logConfig;
  }

  static #empty<K, V1, V2>(): StreamJoinedFields<K, V1, V2> {
    return {
      keySerde: undefined, valueSerde: undefined, otherValueSerde: undefined, name: undefined, storeName: undefined,
      thisStoreSupplier: undefined, otherStoreSupplier: undefined, loggingEnabled: true, logConfig: {},
    };
  }

  /** The serdes of the key, of this stream's values and of the other stream's values. */
  static with<K, V1, V2>(keySerde?: Serde<K>, valueSerde?: Serde<V1>, otherValueSerde?: Serde<V2>): StreamJoined<K, V1, V2> {
    return new StreamJoined<K, V1, V2>({ ...StreamJoined.#empty<K, V1, V2>(), keySerde, valueSerde, otherValueSerde });
  }

  /** Only the base name of the join's stores. */
  static as<K = never, V1 = never, V2 = never>(storeName: string): StreamJoined<K, V1, V2> {
    validateName(storeName);
    return new StreamJoined<K, V1, V2>({ ...StreamJoined.#empty<K, V1, V2>(), storeName });
  }

  /** Window store suppliers of this stream's and the other stream's buffers (they must retain duplicates). */
  static withStoreSuppliers<K, V1, V2>(thisStoreSupplier: WindowBytesStoreSupplier, otherStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V1, V2> {
    return new StreamJoined<K, V1, V2>({ ...StreamJoined.#empty<K, V1, V2>(), thisStoreSupplier: checkSupplier(thisStoreSupplier), otherStoreSupplier: checkSupplier(otherStoreSupplier) });
  }

  /** The name of the join's processors (`<name>-this-windowed`, `<name>-merge`, …) and repartition topics (`<name>-left-repartition`). */
  withName(name: string): StreamJoined<K, V1, V2> {
    validateName(name);
    return this.#with({ name });
  }

  withStoreName(storeName: string): StreamJoined<K, V1, V2> {
    validateName(storeName);
    return this.#with({ storeName });
  }

  withKeySerde(keySerde: Serde<K>): StreamJoined<K, V1, V2> {
    return this.#with({ keySerde });
  }

  withValueSerde(valueSerde: Serde<V1>): StreamJoined<K, V1, V2> {
    return this.#with({ valueSerde });
  }

  withOtherValueSerde(otherValueSerde: Serde<V2>): StreamJoined<K, V1, V2> {
    return this.#with({ otherValueSerde });
  }

  withThisStoreSupplier(thisStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V1, V2> {
    return this.#with({ thisStoreSupplier: checkSupplier(thisStoreSupplier) });
  }

  withOtherStoreSupplier(otherStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V1, V2> {
    return this.#with({ otherStoreSupplier: checkSupplier(otherStoreSupplier) });
  }

  /** The join's stores write changelog topics (the default), with these extra topic configs. */
  withLoggingEnabled(config: Readonly<{ [config: string]: string }> = {}): StreamJoined<K, V1, V2> {
    return this.#with({ loggingEnabled: true, logConfig: { ...config } });
  }

  withLoggingDisabled(): StreamJoined<K, V1, V2> {
    return this.#with({ loggingEnabled: false, logConfig: {} });
  }

  #with(changes: Partial<StreamJoinedFields<K, V1, V2>>): StreamJoined<K, V1, V2> {
    return new StreamJoined<K, V1, V2>({ ...this, ...changes });
  }
}

function checkSupplier(supplier: unknown): WindowBytesStoreSupplier {
  const ok = typeof supplier === 'object' && supplier !== null && typeof (supplier as { get?: unknown }).get === 'function'
    && typeof (supplier as { windowSizeMs?: unknown }).windowSizeMs === 'number';
  if (!ok) throw new TypeError(`StreamJoined: a store supplier must be a window store supplier (Stores.persistentWindowStore / inMemoryWindowStore), but got: ${describeValue(supplier)}`);
  return supplier as WindowBytesStoreSupplier;
}
