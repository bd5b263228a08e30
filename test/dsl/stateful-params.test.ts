import { describe, expect, it } from 'vitest';
import { Grouped } from '../../src/dsl/grouped.js';
import { ChangeSerde } from '../../src/dsl/internal/change-serde.js';
import { Joined } from '../../src/dsl/joined.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { StreamsException, TopologyException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Stores } from '../../src/state/stores.js';

describe('Materialized', () => {
  it('defaults as Kafka: caching and logging on, no name (not queryable)', () => {
    const m = Materialized.with(Serdes.String(), Serdes.Long());
    expect([m.cachingEnabled, m.loggingEnabled, m.queryableStoreName, m.retentionMs]).toEqual([true, true, undefined, undefined]);
  });

  it('is immutable: with* returns a copy', () => {
    const base = Materialized.as<string, number>('counts');
    const changed = base.withCachingDisabled().withLoggingEnabled({ 'min.insync.replicas': '2' }).withRetention(60_000).withValueSerde(Serdes.Long());
    expect([base.cachingEnabled, base.logConfig, base.retentionMs, base.valueSerde]).toEqual([true, {}, undefined, undefined]);
    expect([changed.cachingEnabled, changed.logConfig, changed.retentionMs, changed.queryableStoreName]).toEqual([false, { 'min.insync.replicas': '2' }, 60_000, 'counts']);
    expect(changed.withLoggingDisabled().loggingEnabled).toBe(false);
  });

  it('a store supplier names the store', () => {
    expect(Materialized.as(Stores.inMemoryKeyValueStore('mem')).queryableStoreName).toBe('mem');
  });

  it('rejects illegal names, non-suppliers and negative retention', () => {
    expect(() => Materialized.as('has space')).toThrow(TopologyException);
    expect(() => Materialized.as({ name: 'x' } as never)).toThrow(TypeError);
    expect(() => Materialized.as('x').withRetention(-1)).toThrow(RangeError);
  });

  it('a window store supplier cannot materialize a key-value operator', () => {
    const builder = new StreamsBuilder();
    expect(() => builder.table('t', Materialized.as(Stores.inMemoryWindowStore('w', 10, 10)))).toThrow(TopologyException);
  });

  it('withLoggingDisabled and withCachingDisabled reach the store builder', () => {
    const builder = new StreamsBuilder();
    builder.table('t', Materialized.as<string, string>('plain').withLoggingDisabled().withCachingDisabled());
    builder.table('u', Materialized.as<string, string>('logged').withLoggingEnabled({ 'retention.ms': '1000' }));
    const metadata = builder.build().metadata('app');
    expect(metadata.internalTopics.map((t) => [t.name, t.kind, t.configs['retention.ms']])).toEqual([['app-logged-changelog', 'changelog', '1000']]);
  });
});

describe('Grouped and Joined', () => {
  it('are immutable and validate names', () => {
    const g = Grouped.with(Serdes.String(), Serdes.Long());
    expect(g.withName('by-user').name).toBe('by-user');
    expect(g.name).toBeUndefined();
    expect(Grouped.keySerde(Serdes.String()).valueSerde).toBeUndefined();
    expect(() => Grouped.as('a b')).toThrow(TopologyException);
    const j = Joined.with(Serdes.String(), Serdes.String(), Serdes.Long());
    expect(j.withName('enrich').name).toBe('enrich');
    expect(j.name).toBeUndefined();
    expect(Joined.otherValueSerde(Serdes.Long()).valueSerde).toBeUndefined();
    expect(() => Joined.as('')).toThrow(TopologyException);
  });
});

// Kafka's ChangedSerializer / ChangedDeserializer layout (the KTable groupBy repartition topic).
describe('ChangeSerde', () => {
  const serde = new ChangeSerde(Serdes.String());

  it.each([
    [{ newValue: 'ab', oldValue: null }, '616201'],
    [{ newValue: null, oldValue: 'ab' }, '616200'],
    // both: zigzag varint of len(new) = 2 → 0x04, new, old, flag 2
    [{ newValue: 'ab', oldValue: 'c' }, '0461626302'],
  ])('round-trips %j as %s', (change, hex) => {
    const bytes = serde.serialize('t', change);
    expect(bytes?.toString('hex')).toBe(hex);
    expect(serde.deserialize('t', bytes)).toEqual(change);
  });

  it('reads the "is latest" flags 3–5 too', () => {
    expect(serde.deserialize('t', Buffer.from('61620104', 'hex'))).toEqual({ newValue: 'ab', oldValue: null });
    expect(serde.deserialize('t', Buffer.from('04616263' + '01' + '05', 'hex'))).toEqual({ newValue: 'ab', oldValue: 'c' });
  });

  it('refuses a Change without values, and an unset inner serde without a default', () => {
    expect(() => serde.serialize('t', { newValue: null, oldValue: null })).toThrow(StreamsException);
    const unset = new ChangeSerde<string>(undefined);
    expect(() => unset.useDefaultIfUnset(undefined)).toThrow(/default.value.serde/);
    unset.useDefaultIfUnset(Serdes.String());
    expect(unset.serialize('t', { newValue: 'x', oldValue: null })?.toString('hex')).toBe('7801');
  });
});
