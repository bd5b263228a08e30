/**
 * The topic name a store's serdes are called with, as Kafka Streams passes it (its `StateSerdes`
 * are built with the store's changelog topic, `ProcessorContextUtils.changelogFor`): the
 * changelog topic `<application.id>-<store>-changelog` for an ordinary store; the input topic for
 * a table store that reuses it as its changelog (`reuse.ktable.source.topics`); the global topic
 * for a global store. Serdes that look the schema up by topic (schema registries) depend on it.
 */
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { Serde } from '../../src/serde/serde.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';

/** A String serde that records the topics it is called with. */
function recording(): Serde<string> & { topics: Set<string> } {
  const inner = Serdes.String();
  const topics = new Set<string>();
  return {
    topics,
    serialize: (topic, data, headers) => (topics.add(topic), inner.serialize(topic, data, headers)),
    deserialize: (topic, data, headers) => (topics.add(topic), inner.deserialize(topic, data, headers)),
  };
}

const CONFIG = { 'application.id': 'app', 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() };

async function tableRun(optimization: string): Promise<Set<string>> {
  const storeSerde = recording();
  const builder = new StreamsBuilder();
  builder.table('input', Consumed.with(Serdes.String(), Serdes.String()), Materialized.as<string, string>('t').withValueSerde(storeSerde)).toStream().to('out', Produced.with(Serdes.String(), Serdes.String()));
  const config = { ...CONFIG, 'topology.optimization': optimization };
  const driver = new TopologyTestDriver(builder.build(config), config);
  try {
    await driver.createInputTopic('input', Serdes.String(), Serdes.String()).pipeInput('k', 'v');
    expect(await driver.getKeyValueStore<string, string>('t').get('k')).toBe('v');
  } finally {
    await driver.close();
  }
  return storeSerde.topics;
}

describe('store serdes are called with the store changelog topic name', () => {
  it('an ordinary table store: <application.id>-<store>-changelog', async () => {
    expect([...(await tableRun('none'))]).toEqual(['app-t-changelog']);
  });

  it('a table store reusing its input topic as changelog (reuse.ktable.source.topics): the input topic', async () => {
    expect([...(await tableRun('reuse.ktable.source.topics'))]).toEqual(['input']);
  });

  it('a global store: the global topic', async () => {
    const storeSerde = recording();
    const builder = new StreamsBuilder();
    builder.globalTable('addresses', Consumed.with(Serdes.String(), Serdes.String()), Materialized.as<string, string>('g').withValueSerde(storeSerde));
    builder.stream<string, string>('orders').to('out');   // a topology needs a task to run
    const driver = new TopologyTestDriver(builder.build(), CONFIG);
    try {
      await driver.createInputTopic('addresses', Serdes.String(), Serdes.String()).pipeInput('k', 'v');
      expect(await driver.getKeyValueStore<string, string>('g').get('k')).toBe('v');
    } finally {
      await driver.close();
    }
    expect([...storeSerde.topics]).toEqual(['addresses']);
  });
});
