import type { TimestampExtractor } from '../processor/timestamp-extractor.js';
import type { Serde } from '../serde/serde.js';
import { validateName } from './named.js';

/** Where a source starts when the application has no committed offset for a partition. */
export type OffsetResetPolicy = 'earliest' | 'latest';

/**
 * How `StreamsBuilder.stream()` reads its topics: key and value serdes, a timestamp extractor,
 * the offset reset policy, and the source's name. Immutable: every `with*` returns a copy.
 * A serde left out is `default.key.serde` / `default.value.serde` from the config; the extractor
 * defaults to `default.timestamp.extractor`, else the record's own timestamp
 * (`FailOnInvalidTimestamp`); the reset policy to 'earliest' — all as in Kafka Streams.
 *
 * @example builder.stream('orders', Consumed.with(Serdes.String(), Serdes.Json<Order>()).withOffsetResetPolicy('latest'))
 */
export class Consumed<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly timestampExtractor: TimestampExtractor | undefined,
    readonly offsetResetPolicy: OffsetResetPolicy | undefined,
    readonly processorName: string | undefined,
  ) {}

  /** Key and value serdes, and optionally a timestamp extractor and offset reset policy. */
  static with<K, V>(keySerde?: Serde<K>, valueSerde?: Serde<V>, timestampExtractor?: TimestampExtractor, offsetResetPolicy?: OffsetResetPolicy): Consumed<K, V> {
    return new Consumed(keySerde, valueSerde, checkExtractor(timestampExtractor), checkPolicy(offsetResetPolicy), undefined);
  }

  /** Only the source's name (instead of `KSTREAM-SOURCE-<n>`). */
  static as<K, V>(processorName: string): Consumed<K, V> {
    validateName(processorName);
    return new Consumed<K, V>(undefined, undefined, undefined, undefined, processorName);
  }

  withKeySerde(keySerde: Serde<K>): Consumed<K, V> {
    return new Consumed(keySerde, this.valueSerde, this.timestampExtractor, this.offsetResetPolicy, this.processorName);
  }

  withValueSerde(valueSerde: Serde<V>): Consumed<K, V> {
    return new Consumed(this.keySerde, valueSerde, this.timestampExtractor, this.offsetResetPolicy, this.processorName);
  }

  /** Gives each record its event time (e.g. from a field of the value). */
  withTimestampExtractor(timestampExtractor: TimestampExtractor): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, checkExtractor(timestampExtractor), this.offsetResetPolicy, this.processorName);
  }

  withOffsetResetPolicy(offsetResetPolicy: OffsetResetPolicy): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, this.timestampExtractor, checkPolicy(offsetResetPolicy), this.processorName);
  }

  /** The source's name (instead of `KSTREAM-SOURCE-<n>`). */
  withName(processorName: string): Consumed<K, V> {
    validateName(processorName);
    return new Consumed(this.keySerde, this.valueSerde, this.timestampExtractor, this.offsetResetPolicy, processorName);
  }
}

function checkExtractor(extractor: TimestampExtractor | undefined): TimestampExtractor | undefined {
  if (extractor !== undefined && (typeof extractor !== 'object' || extractor === null || typeof extractor.extract !== 'function')) {
    throw new TypeError(`Consumed: the timestamp extractor must be an object with extract(record, partitionTimeMs), but got: ${String(extractor)}`);
  }
  return extractor;
}

function checkPolicy(policy: OffsetResetPolicy | undefined): OffsetResetPolicy | undefined {
  if (policy !== undefined && policy !== 'earliest' && policy !== 'latest') {
    throw new TypeError(`Consumed: the offset reset policy must be 'earliest' or 'latest', but got: ${String(policy)}`);
  }
  return policy;
}
