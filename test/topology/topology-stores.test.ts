import { describe, expect, it } from 'vitest';
import { TopologyException } from '../../src/errors.js';
import type { Processor } from '../../src/processor/processor.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Stores } from '../../src/state/stores.js';
import { Topology } from '../../src/topology/topology.js';

// Expected texts and configs are Kafka Streams 4.1.2's output for the same topologies
// (test/topology/kafka-reference/TopologyStores.java).

const noop = (): Processor<unknown, unknown> => ({ process: () => undefined });
const kv = (name: string, inMemory = false) =>
  Stores.keyValueStoreBuilder(inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.String());

function storesOnProcessors(): Topology {
  return new Topology()
    .addSource('source', 'input')
    .addProcessor('counter', noop, 'source')
    .addProcessor('auditor', noop, 'counter')
    .addSink('sink', 'output', 'counter')
    .addStateStore(kv('counts'), 'counter')
    .addStateStore(kv('audit-log', true).withLoggingEnabled({ 'min.insync.replicas': '2' }), 'counter', 'auditor')
    .addStateStore(kv('scratch', true).withLoggingDisabled(), 'auditor');
}

function sharedStore(): Topology {
  return new Topology()
    .addSource('left-source', 'left')
    .addProcessor('left-proc', noop, 'left-source')
    .addSource('right-source', 'right')
    .addProcessor('right-proc', noop, 'right-source')
    .addSource('other-source', 'other')
    .addProcessor('other-proc', noop, 'other-source')
    .addStateStore(kv('shared'), 'left-proc')
    .connectProcessorAndStateStores('right-proc', 'shared');
}

function withGlobalStore(): Topology {
  return new Topology()
    .addSource('first-source', 'first')
    .addProcessor('first-proc', noop, 'first-source')
    .addGlobalStore(kv('addresses'), 'address-source', 'address', {}, 'address-updater', noop)
    .addSource('second-source', 'second')
    .addProcessor('second-proc', noop, 'second-source')
    .addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore('windows', 600_000, 60_000), Serdes.String(), Serdes.Long()), 'second-proc')
    .addStateStore(Stores.sessionStoreBuilder(Stores.persistentSessionStore('sessions', 300_000), Serdes.String(), Serdes.Long()), 'second-proc');
}

describe('Topology with state stores', () => {
  it('describes the stores of each processor as Kafka does (HashSet order)', () => {
    expect(storesOnProcessors().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: source (topics: [input])\n' +
        '      --> counter\n' +
        '    Processor: counter (stores: [counts, audit-log])\n' +
        '      --> auditor, sink\n' +
        '      <-- source\n' +
        '    Processor: auditor (stores: [scratch, audit-log])\n' +
        '      --> none\n' +
        '      <-- counter\n' +
        '    Sink: sink (topic: output)\n' +
        '      <-- counter\n' +
        '\n',
    );
  });

  it('lists changelog topics of logged stores with Kafka\'s configs, the owning sub-topology and no fixed partition count', () => {
    const changelogs = storesOnProcessors().metadata('app').internalTopics.filter((t) => t.kind === 'changelog');
    expect(changelogs).toEqual([
      { name: 'app-counts-changelog', kind: 'changelog', writerSubtopology: 0, configs: { 'cleanup.policy': 'compact', 'message.timestamp.type': 'CreateTime' } },
      {
        name: 'app-audit-log-changelog',
        kind: 'changelog',
        writerSubtopology: 0,
        configs: { 'cleanup.policy': 'compact', 'message.timestamp.type': 'CreateTime', 'min.insync.replicas': '2' },
      },
    ]);
  });

  it('gives the task plan its stores in the order they were added, with their changelog topics', () => {
    const plan = storesOnProcessors().subtopologyPlan(0, 'app');
    expect(plan.stores.map((s) => [s.builder.name, s.changelogTopic])).toEqual([
      ['counts', 'app-counts-changelog'],
      ['audit-log', 'app-audit-log-changelog'],
      ['scratch', undefined],
    ]);
  });

  it('merges the sub-topologies of processors sharing a store, as Kafka does', () => {
    const topology = sharedStore();
    expect(topology.describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: left-source (topics: [left])\n' +
        '      --> left-proc\n' +
        '    Source: right-source (topics: [right])\n' +
        '      --> right-proc\n' +
        '    Processor: left-proc (stores: [shared])\n' +
        '      --> none\n' +
        '      <-- left-source\n' +
        '    Processor: right-proc (stores: [shared])\n' +
        '      --> none\n' +
        '      <-- right-source\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: other-source (topics: [other])\n' +
        '      --> other-proc\n' +
        '    Processor: other-proc (stores: [])\n' +
        '      --> none\n' +
        '      <-- other-source\n' +
        '\n',
    );
    const metadata = topology.metadata('app');
    expect(metadata.subtopologies.map((s) => [s.id, s.sourceTopics])).toEqual([[0, ['left', 'right']], [1, ['other']]]);
    expect(metadata.internalTopics).toEqual([
      { name: 'app-shared-changelog', kind: 'changelog', writerSubtopology: 0, configs: { 'cleanup.policy': 'compact', 'message.timestamp.type': 'CreateTime' } },
    ]);
  });

  it('numbers a global store with the sub-topologies and prints it as Kafka does', () => {
    expect(withGlobalStore().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: first-source (topics: [first])\n' +
        '      --> first-proc\n' +
        '    Processor: first-proc (stores: [])\n' +
        '      --> none\n' +
        '      <-- first-source\n' +
        '\n' +
        '  Sub-topology: 1 for global store (will not generate tasks)\n' +
        '    Source: address-source (topics: [address])\n' +
        '      --> address-updater\n' +
        '    Processor: address-updater (stores: [addresses])\n' +
        '      --> none\n' +
        '      <-- address-source\n' +
        '  Sub-topology: 2\n' +
        '    Source: second-source (topics: [second])\n' +
        '      --> second-proc\n' +
        '    Processor: second-proc (stores: [sessions, windows])\n' +
        '      --> none\n' +
        '      <-- second-source\n' +
        '\n',
    );
  });

  it('keeps global topics out of the sub-topologies, lists the global store, and gives window and session changelogs a retention', () => {
    const metadata = withGlobalStore().metadata('app');
    expect(metadata.subtopologies.map((s) => [s.id, s.sourceTopics])).toEqual([[0, ['first']], [2, ['second']]]);
    expect(metadata.globalStores).toEqual([{ storeName: 'addresses', topic: 'address' }]);
    expect(metadata.internalTopics).toEqual([
      {
        name: 'app-windows-changelog',
        kind: 'changelog',
        writerSubtopology: 2,
        configs: { 'cleanup.policy': 'compact,delete', 'message.timestamp.type': 'CreateTime', 'retention.ms': '87000000' },
      },
      {
        name: 'app-sessions-changelog',
        kind: 'changelog',
        writerSubtopology: 2,
        configs: { 'cleanup.policy': 'compact,delete', 'message.timestamp.type': 'CreateTime', 'retention.ms': '86700000' },
      },
    ]);
    expect(() => withGlobalStore().subtopologyPlan(1, 'app')).toThrow(TopologyException);
  });

  it('turns logging off on a global store builder: its topic is its changelog', () => {
    const builder = kv('addresses');
    new Topology().addGlobalStore(builder, 'src', 'address', {}, 'updater', noop);
    expect(builder.loggingEnabled).toBe(false);
  });

  it('rejects duplicate store names, unknown stores and processors, sources, and connecting global stores (Kafka\'s messages)', () => {
    const base = (): Topology => new Topology().addSource('source', 'input').addProcessor('proc', noop, 'source').addStateStore(kv('s'), 'proc');
    expect(() => base().addStateStore(kv('s'))).toThrow('A different StateStore has already been added with the name s');
    const same = kv('t');
    expect(() => base().addStateStore(same, 'proc').addStateStore(same, 'proc')).not.toThrow();
    expect(() => base().connectProcessorAndStateStores('proc', 'nope')).toThrow('StateStore nope is not added yet.');
    expect(() => base().connectProcessorAndStateStores('ghost', 's')).toThrow('Processor ghost is not added yet.');
    expect(() => base().connectProcessorAndStateStores('source', 's')).toThrow('cannot connect a state store s to a source node or a sink node.');
    expect(() => base().connectProcessorAndStateStores('proc')).toThrow('stateStoreNames cannot be empty');
    const withGlobal = base().addGlobalStore(kv('g'), 'gsrc', 'gtopic', {}, 'gproc', noop);
    expect(() => withGlobal.connectProcessorAndStateStores('proc', 'g')).toThrow(
      'Global StateStore g can be used by a Processor without being specified; it should not be explicitly passed.',
    );
    expect(() => withGlobal.addStateStore(kv('g'))).toThrow('A different GlobalStateStore has already been added with the name g');
    expect(() => base().addGlobalStore(kv('s'), 'gsrc', 'gtopic', {}, 'gproc', noop)).toThrow('A different StateStore has already been added with the name s');
    expect(() => base().addGlobalStore(kv('g'), 'gsrc', 'input', {}, 'gproc', noop)).toThrow('Topic input has already been registered by another source.');
    expect(() => base().addGlobalStore(kv('g'), 'proc', 'gtopic', {}, 'gproc', noop)).toThrow('Processor proc is already added.');
  });

  it('refuses a topology of global stores only', () => {
    expect(() => new Topology().addGlobalStore(kv('g'), 'gsrc', 'gtopic', {}, 'gproc', noop).metadata('app')).toThrow(/only global stores/);
  });
});
