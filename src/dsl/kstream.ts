import { adaptFixedKeyProcessorSupplier, type FixedKeyProcessorSupplier } from '../processor/fixed-key-processor.js';
import { supplyProcessor, type ProcessorSupplier } from '../processor/processor.js';
import type { StreamPartitioner } from '../processor/stream-partitioner.js';
import type { TopicNameExtractor } from '../processor/topic-name-extractor.js';
import type { ForeachAction, KeyValue, KeyValueMapper, Predicate, ValueMapper } from './functions.js';
import {
  describeValue, requireFunction, requireInstanceOrUndefined, requireNamedOrUndefined, requireTopicName,
} from './internal/arguments.js';
import type { GraphNode } from './internal/graph-node.js';
import { NamePrefix } from './internal/name-prefixes.js';
import { ProcessorGraphNode } from './internal/processor-graph-node.js';
import { createRepartitionNode } from './internal/repartition-node.js';
import { STREAM_HANDLE, type StreamHandle } from './internal/stream-handle.js';
import { StreamSinkNode } from './internal/stream-sink-node.js';
import { Named } from './named.js';
import { Printed } from './printed.js';
import { Produced } from './produced.js';
import { KStreamBranch } from './processors/kstream-branch.js';
import { KStreamFilter } from './processors/kstream-filter.js';
import { KStreamFlatMapValues } from './processors/kstream-flat-map-values.js';
import { KStreamFlatMap } from './processors/kstream-flat-map.js';
import { KStreamForeach } from './processors/kstream-foreach.js';
import { KStreamMapValues } from './processors/kstream-map-values.js';
import { KStreamMap } from './processors/kstream-map.js';
import { KStreamPeek } from './processors/kstream-peek.js';
import { KStreamPrint } from './processors/kstream-print.js';
import { PassThrough } from './processors/pass-through.js';
import { Repartitioned } from './repartitioned.js';

/**
 * An unbounded stream of key-value records (Kafka's `KStream`), made by
 * `StreamsBuilder.stream()`. Every operator returns a new stream and leaves this one as it was,
 * so one stream can feed several operators. Nothing runs until the built topology is started
 * with `KafkaStreams` or a `TopologyTestDriver`.
 *
 * Each operator adds one node to the topology, named as Kafka Streams names it
 * (`KSTREAM-FILTER-0000000001`, …) unless given a `Named`. Output records keep the input
 * record's timestamp and headers (SEMANTICS §1.5).
 *
 * Operators that may change the key (`selectKey`, `map`, `flatMap`, `process`) mark the stream
 * for repartitioning: a later key-based operation (aggregation, join) first writes the records
 * through a repartition topic, so that each key lands in the partition its hash says.
 *
 * Users get this type from the DSL; they do not construct it.
 *
 * @typeParam K - key type
 * @typeParam V - value type
 */
export class KStream<K, V> {
  /** @internal The stream's place in the logical graph; see `StreamHandle`. */
  readonly [STREAM_HANDLE]: StreamHandle<K, V>;

  /** @internal Streams come from `StreamsBuilder.stream()` and from operators. */
  constructor(handle: StreamHandle<K, V>) {
    this[STREAM_HANDLE] = handle;
  }

  /**
   * Keeps the records for which `predicate(key, value)` is true. Stateless, record by record.
   *
   * @param named the node's name instead of `KSTREAM-FILTER-<n>`
   * @example builder.stream<string, string>('log').filter((k, v) => v.length > 5).to('log-long')
   * @see filterNot
   */
  filter(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    requireFunction(predicate, 'filter()', 'predicate');
    requireNamedOrUndefined(named, 'filter()');
    return this.#keepTypes(this.#addProcessor(named, NamePrefix.FILTER, () => new KStreamFilter(predicate, false)));
  }

  /**
   * Keeps the records for which `predicate(key, value)` is false (node `KSTREAM-FILTER-<n>`, as in Kafka).
   * @see filter
   */
  filterNot(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    requireFunction(predicate, 'filterNot()', 'predicate');
    requireNamedOrUndefined(named, 'filterNot()');
    return this.#keepTypes(this.#addProcessor(named, NamePrefix.FILTER, () => new KStreamFilter(predicate, true)));
  }

  /**
   * Gives each record the key `mapper(key, value)`; value, timestamp and headers are kept.
   * Marks the stream for repartitioning; the key serde falls back to the config default.
   *
   * @example orders.selectKey((k, order) => order.customerId)
   */
  selectKey<KR>(mapper: KeyValueMapper<K, V, KR>, named?: Named): KStream<KR, V> {
    requireFunction(mapper, 'selectKey()', 'mapper');
    requireNamedOrUndefined(named, 'selectKey()');
    const node = this.#addProcessor(named, NamePrefix.KEY_SELECT, () => new KStreamMap<K, V, KR, V>((key, value) => ({ key: mapper(key, value), value }), 'selectKey()'));
    node.keyChangingOperation = true;
    return this.#derive<KR, V>(node, { keySerde: undefined, valueSerde: this[STREAM_HANDLE].valueSerde, repartitionRequired: true });
  }

  /**
   * Replaces each record by `mapper(key, value)`, a `{ key, value }`. Marks the stream for
   * repartitioning; both serdes fall back to the config defaults.
   *
   * @example words.map((k, word) => ({ key: word, value: 1 }))
   * @see mapValues when the key stays: no repartitioning then
   */
  map<KR, VR>(mapper: KeyValueMapper<K, V, KeyValue<KR, VR>>, named?: Named): KStream<KR, VR> {
    requireFunction(mapper, 'map()', 'mapper');
    requireNamedOrUndefined(named, 'map()');
    const node = this.#addProcessor(named, NamePrefix.MAP, () => new KStreamMap(mapper, 'map()'));
    node.keyChangingOperation = true;
    return this.#derive<KR, VR>(node, { keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
  }

  /**
   * Replaces each value by `mapper(value, key)`; key, timestamp and headers are kept.
   * The mapper takes the value first, so `(v) => …` and `(v, k) => …` both work (Kafka's
   * `ValueMapper` and `ValueMapperWithKey`). The value serde falls back to the config default.
   *
   * @example lines.mapValues((line) => line.length)
   */
  mapValues<VR>(mapper: ValueMapper<V, VR, K>, named?: Named): KStream<K, VR> {
    requireFunction(mapper, 'mapValues()', 'mapper');
    requireNamedOrUndefined(named, 'mapValues()');
    const node = this.#addProcessor(named, NamePrefix.MAPVALUES, () => new KStreamMapValues(mapper));
    node.valueChangingOperation = true;
    return this.#derive<K, VR>(node, { keySerde: this[STREAM_HANDLE].keySerde, valueSerde: undefined, repartitionRequired: this[STREAM_HANDLE].repartitionRequired });
  }

  /**
   * Replaces each record by zero or more records: the `{ key, value }` pairs of the iterable
   * `mapper(key, value)` returns (an array, a generator, …), forwarded in order, each with the
   * input's timestamp. Marks the stream for repartitioning; both serdes fall back to the defaults.
   *
   * @example sentences.flatMap((k, s) => s.split(' ').map((word) => ({ key: word, value: 1 })))
   */
  flatMap<KR, VR>(mapper: KeyValueMapper<K, V, Iterable<KeyValue<KR, VR>>>, named?: Named): KStream<KR, VR> {
    requireFunction(mapper, 'flatMap()', 'mapper');
    requireNamedOrUndefined(named, 'flatMap()');
    const node = this.#addProcessor(named, NamePrefix.FLATMAP, () => new KStreamFlatMap(mapper));
    node.keyChangingOperation = true;
    return this.#derive<KR, VR>(node, { keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
  }

  /**
   * Replaces each value by zero or more values from the iterable `mapper(value, key)` returns,
   * forwarded in order with the input's key and timestamp. The value serde falls back to the default.
   *
   * @example sentences.flatMapValues((s) => s.split(' '))
   */
  flatMapValues<VR>(mapper: ValueMapper<V, Iterable<VR>, K>, named?: Named): KStream<K, VR> {
    requireFunction(mapper, 'flatMapValues()', 'mapper');
    requireNamedOrUndefined(named, 'flatMapValues()');
    const node = this.#addProcessor(named, NamePrefix.FLATMAPVALUES, () => new KStreamFlatMapValues(mapper));
    node.valueChangingOperation = true;
    return this.#derive<K, VR>(node, { keySerde: this[STREAM_HANDLE].keySerde, valueSerde: undefined, repartitionRequired: this[STREAM_HANDLE].repartitionRequired });
  }

  /**
   * Calls `action(key, value)` for each record and passes the record on unchanged. An async
   * action is awaited before the record moves on.
   *
   * @example stream.peek((k, v) => log.debug({ k, v }, 'in'))
   * @see foreach, which ends the stream
   */
  peek(action: ForeachAction<K, V>, named?: Named): KStream<K, V> {
    requireFunction(action, 'peek()', 'action');
    requireNamedOrUndefined(named, 'peek()');
    return this.#keepTypes(this.#addProcessor(named, NamePrefix.PEEK, () => new KStreamPeek(action)));
  }

  /**
   * Calls `action(key, value)` for each record; a terminal operation (the node has no children).
   * An async action is awaited before the task takes its next record.
   *
   * @example stream.foreach(async (k, v) => { await metrics.record(k, v); })
   */
  foreach(action: ForeachAction<K, V>, named?: Named): void {
    requireFunction(action, 'foreach()', 'action');
    requireNamedOrUndefined(named, 'foreach()');
    this.#addProcessor(named, NamePrefix.FOREACH, () => new KStreamForeach(action));
  }

  /**
   * Prints each record as a line `[label]: key, value`, to stdout or a file (Kafka's `print`). A
   * terminal node named `KSTREAM-PRINTER-<n>` (or `Printed.withName`); the label defaults to that
   * name. For debugging: a file is written through line by line and closed when the tasks close.
   *
   * @example stream.print(Printed.toSysOut<string, number>().withLabel('counts'))
   * @see Printed for the label, the line format and file output
   */
  print(printed: Printed<K, V>): void {
    if (!(printed instanceof Printed)) {
      throw new TypeError(`print(): printed must be a Printed (Printed.toSysOut() or Printed.toFile(path)), but got: ${describeValue(printed)}`);
    }
    const handle = this[STREAM_HANDLE];
    const name = nameFor(handle, printed.processorName, NamePrefix.PRINTER);
    const label = printed.label ?? name;
    handle.builder.addGraphNode(handle.node, new ProcessorGraphNode(name, () => new KStreamPrint(printed.sink, label, printed.mapper)));
  }

  /**
   * One stream with the records of both (node `KSTREAM-MERGE-<n>` with two parents). Records of
   * each input keep their order; between the inputs, the order is the order the task processes
   * them in (by timestamp across partitions). Needs repartitioning if either input does; serdes
   * fall back to the defaults (neither input's serde is known to fit both).
   *
   * @throws TypeError when `stream` is not a KStream of the same StreamsBuilder
   */
  merge(stream: KStream<K, V>, named?: Named): KStream<K, V> {
    if (!(stream instanceof KStream)) throw new TypeError(`merge(): stream must be a KStream, but got: ${describeValue(stream)}`);
    requireNamedOrUndefined(named, 'merge()');
    const self = this[STREAM_HANDLE];
    const other = stream[STREAM_HANDLE];
    if (other.builder !== self.builder) throw new TypeError('merge(): both streams must come from the same StreamsBuilder');
    const name = nameFor(self, named, NamePrefix.MERGE);
    const node = new ProcessorGraphNode(name, () => new PassThrough());
    node.mergeNode = true;
    self.builder.addGraphNode([self.node, other.node], node);
    return new KStream<K, V>({
      builder: self.builder,
      node,
      name,
      keySerde: undefined,
      valueSerde: undefined,
      sourceNodes: new Set([...self.sourceNodes, ...other.sourceNodes]),
      repartitionRequired: self.repartitionRequired || other.repartitionRequired,
    });
  }

  /**
   * Splits the stream into branches by predicates (Kafka's `split()` / `BranchedKStream`). Each
   * record goes to the first branch whose predicate it satisfies, in the order `branch()` was
   * called, else to the default branch if there is one, else nowhere.
   *
   * Node names: the split node is `KSTREAM-BRANCH-<n>` (or the `Named` name); each branch node is
   * the split name followed by the branch's `Branched` name, or by its position (1, 2, …; 0 for the
   * default branch). The map returned at the end is keyed by those branch node names.
   *
   * @example
   * const b = stream.split(Named.as('lvl-'))
   *   .branch((k, v) => v.startsWith('ERROR'), Branched.as('error'))
   *   .defaultBranch(Branched.as('rest'));
   * b['lvl-error']!.to('errors');
   */
  split(named?: Named): BranchedKStream<K, V> {
    requireNamedOrUndefined(named, 'split()');
    return new BranchedKStream(this[STREAM_HANDLE], named);
  }

  /**
   * Writes the stream to a topic, or to a topic chosen per record by
   * `extractor(key, value, recordContext)`. The topic must exist. Serdes: those of `produced`,
   * else the stream's own when known, else the config defaults. A terminal operation.
   *
   * @param produced serdes, partitioner and sink name (`KSTREAM-SINK-<n>` by default)
   * @example stream.to((k, v) => (v.startsWith('ERROR') ? 'log_error' : 'log_other'))
   */
  to(topic: string | TopicNameExtractor<K, V>, produced?: Produced<K, V>): void {
    if (typeof topic !== 'function') requireTopicName(topic, 'to()');
    requireInstanceOrUndefined(produced, (v) => v instanceof Produced, 'Produced', 'to()');
    const handle = this[STREAM_HANDLE];
    const name = nameFor(handle, produced?.processorName, NamePrefix.SINK);
    const node = new StreamSinkNode(name, topic as string | TopicNameExtractor<unknown, unknown>, {
      keySerde: produced?.keySerde ?? handle.keySerde,
      valueSerde: produced?.valueSerde ?? handle.valueSerde,
      partitioner: produced?.partitioner as StreamPartitioner<unknown, unknown> | undefined,
    });
    handle.builder.addGraphNode(handle.node, node);
  }

  /**
   * Writes the stream through a new internal topic and reads it back: records are redistributed
   * by their current key (or the given partitioner) into `<application.id>-<name>-repartition`,
   * and what follows runs as a new sub-topology (its own tasks). Clears the repartitioning mark.
   * Records with a null key are dropped before the topic, as Kafka Streams does.
   *
   * @param repartitioned topic name prefix (default `KSTREAM-REPARTITION-<n>`), partition count
   *   (default: that of the source topics), serdes and partitioner
   * @example orders.selectKey((k, o) => o.customerId).repartition(Repartitioned.as('by-customer'))
   */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    requireInstanceOrUndefined(repartitioned, (v) => v instanceof Repartitioned, 'Repartitioned', 'repartition()');
    const handle = this[STREAM_HANDLE];
    // As Kafka's doRepartition: a given name draws no index; the repartition node draws three.
    const prefix = repartitioned?.name ?? handle.builder.newProcessorName(NamePrefix.REPARTITION);
    const keySerde = repartitioned?.keySerde ?? handle.keySerde;
    const valueSerde = repartitioned?.valueSerde ?? handle.valueSerde;
    const node = createRepartitionNode(handle.builder, 'unoptimizable', prefix, {
      keySerde,
      valueSerde,
      partitioner: repartitioned?.partitioner as StreamPartitioner<unknown, unknown> | undefined,
      partitions: repartitioned?.numberOfPartitions,
    });
    handle.builder.addGraphNode(handle.node, node);
    return new KStream<K, V>({
      builder: handle.builder,
      node,
      name: node.sourceName,
      keySerde,
      valueSerde,
      sourceNodes: new Set([node.sourceName]),
      repartitionRequired: false,
    });
  }

  /**
   * Runs a Processor API processor on each record (node `KSTREAM-PROCESSOR-<n>`); what it
   * forwards is the new stream. It may forward any key, so the stream is marked for
   * repartitioning, and serdes fall back to the defaults.
   *
   * @param supplier returns a new processor on every call (one per task)
   * @param storeNames names of state stores the processor uses (added before with
   *   `StreamsBuilder.addStateStore`), after an optional `Named`
   * @throws TypeError when the supplier returns the same instance twice
   * @throws TopologyException from `build()` when a store name was not added
   * @example stream.process(() => new Dedupe(), Named.as('dedupe'), 'seen-store')
   */
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, ...storeNames: string[]): KStream<KOut, VOut>;
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, named: Named | undefined, ...storeNames: string[]): KStream<KOut, VOut>;
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, ...rest: (Named | string | undefined)[]): KStream<KOut, VOut> {
    checkSupplier(supplier, 'process()', () => supplyProcessor(supplier));
    const node = this.#addUserProcessor('process()', NamePrefix.PROCESSOR, supplier, rest);
    return this.#derive<KOut, VOut>(node, { keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
  }

  /**
   * Runs a `FixedKeyProcessor` on each record (node `KSTREAM-PROCESSVALUES-<n>`): it may change
   * values, timestamps and headers but not keys, so no repartitioning is needed. The value serde
   * falls back to the default.
   *
   * @param storeNames names of state stores the processor uses, after an optional `Named`
   */
  processValues<VOut>(supplier: FixedKeyProcessorSupplier<K, V, VOut>, ...storeNames: string[]): KStream<K, VOut>;
  processValues<VOut>(supplier: FixedKeyProcessorSupplier<K, V, VOut>, named: Named | undefined, ...storeNames: string[]): KStream<K, VOut>;
  processValues<VOut>(supplier: FixedKeyProcessorSupplier<K, V, VOut>, ...rest: (Named | string | undefined)[]): KStream<K, VOut> {
    checkSupplier(supplier, 'processValues()', () => (typeof supplier === 'function' ? supplier() : supplier.get()));
    const node = this.#addUserProcessor('processValues()', NamePrefix.PROCESSVALUES, adaptFixedKeyProcessorSupplier(supplier), rest);
    const handle = this[STREAM_HANDLE];
    return this.#derive<K, VOut>(node, { keySerde: handle.keySerde, valueSerde: undefined, repartitionRequired: handle.repartitionRequired });
  }

  #addProcessor(named: Named | undefined, prefix: string, supplier: ProcessorSupplier<never, never, unknown, unknown>): ProcessorGraphNode {
    const handle = this[STREAM_HANDLE];
    const node = new ProcessorGraphNode(nameFor(handle, named, prefix), supplier);
    handle.builder.addGraphNode(handle.node, node);
    return node;
  }

  #addUserProcessor(operator: string, prefix: string, supplier: ProcessorSupplier<never, never, unknown, unknown>, rest: readonly (Named | string | undefined)[]): ProcessorGraphNode {
    const [first, ...others] = rest;
    const named = first instanceof Named ? first : undefined;
    const storeNames = first instanceof Named || first === undefined ? others : rest;
    for (const store of storeNames) {
      if (typeof store !== 'string' || store.length === 0) {
        throw new TypeError(`${operator}: store names must be non-empty strings (after an optional Named), but got: ${describeValue(store)}`);
      }
    }
    const handle = this[STREAM_HANDLE];
    // Kafka's process()/processValues(): a given Named draws no index, a generated name does.
    const name = named?.name ?? handle.builder.newProcessorName(prefix);
    const node = new ProcessorGraphNode(name, supplier, storeNames as string[]);
    handle.builder.addGraphNode(handle.node, node);
    return node;
  }

  #keepTypes(node: ProcessorGraphNode): KStream<K, V> {
    const handle = this[STREAM_HANDLE];
    return this.#derive<K, V>(node, { keySerde: handle.keySerde, valueSerde: handle.valueSerde, repartitionRequired: handle.repartitionRequired });
  }

  #derive<KR, VR>(node: GraphNode, changes: Pick<StreamHandle<KR, VR>, 'keySerde' | 'valueSerde' | 'repartitionRequired'>): KStream<KR, VR> {
    const handle = this[STREAM_HANDLE];
    return new KStream<KR, VR>({ builder: handle.builder, node, name: node.nodeName, sourceNodes: handle.sourceNodes, ...changes });
  }
}

/**
 * What `BranchedKStream.branch()` / `defaultBranch()` take; `Branched` is the way to make one.
 * (Declared here rather than importing `Branched`, so this module and `branched.ts` do not
 * import each other.)
 */
export interface BranchSpec<K, V> {
  readonly name: string | undefined;
  readonly chainFunction: ((branch: KStream<K, V>) => KStream<K, V> | undefined | null | void) | undefined;
  readonly chainConsumer: ((branch: KStream<K, V>) => void) | undefined;
}

/**
 * The branches of `KStream.split()` being defined (Kafka's `BranchedKStream`). Add branches with
 * `branch()`, then end with `defaultBranch()` or `noDefaultBranch()`, which return the branch
 * streams keyed by branch node name. Branches are checked in the order they were added; a record
 * goes to the first match only.
 */
export class BranchedKStream<K, V> {
  readonly #source: StreamHandle<K, V>;
  readonly #splitterName: string;
  readonly #splitter: ProcessorGraphNode;
  // Shared with the KStreamBranch processor, which reads them when records flow (after build()).
  readonly #predicates: Predicate<K, V>[] = [];
  readonly #childNames: string[] = [];
  readonly #outputs: { [branchName: string]: KStream<K, V> } = {};
  #closed = false;

  /** @internal Made by `KStream.split()`. */
  constructor(source: StreamHandle<K, V>, named: Named | undefined) {
    this.#source = source;
    this.#splitterName = nameFor(source, named, NamePrefix.BRANCH);
    const predicates = this.#predicates;
    const childNames = this.#childNames;
    this.#splitter = new ProcessorGraphNode(this.#splitterName, () => new KStreamBranch(predicates, childNames));
    source.builder.addGraphNode(source.node, this.#splitter);
  }

  /**
   * Adds a branch for the records that satisfy `predicate(key, value)` and no earlier branch's.
   * @param branched the branch's name suffix and what to do with it (`Branched.as`, `withFunction`, `withConsumer`)
   */
  branch(predicate: Predicate<K, V>, branched?: BranchSpec<K, V>): this {
    requireFunction(predicate, 'branch()', 'predicate');
    this.#checkOpen('branch()');
    checkBranchSpec(branched, 'branch()');
    this.#predicates.push(predicate);
    this.#createBranch(branched, this.#predicates.length);
    return this;
  }

  /**
   * Adds the branch for records no predicate matched and ends the split.
   * @returns the branch streams keyed by branch node name (branches given to `withConsumer`, or
   *   whose `withFunction` returned nothing, are left out)
   */
  defaultBranch(branched?: BranchSpec<K, V>): Record<string, KStream<K, V>> {
    this.#checkOpen('defaultBranch()');
    checkBranchSpec(branched, 'defaultBranch()');
    this.#createBranch(branched, 0);
    this.#closed = true;
    return { ...this.#outputs };
  }

  /** Ends the split; records no predicate matched are dropped. @returns as `defaultBranch()` */
  noDefaultBranch(): Record<string, KStream<K, V>> {
    this.#checkOpen('noDefaultBranch()');
    this.#closed = true;
    return { ...this.#outputs };
  }

  #checkOpen(operator: string): void {
    if (this.#closed) throw new TypeError(`${operator}: this split already ended with defaultBranch() or noDefaultBranch()`);
  }

  #createBranch(branched: BranchSpec<K, V> | undefined, index: number): void {
    const source = this.#source;
    const childName = this.#splitterName + (branched?.name ?? String(index));
    this.#childNames.push(childName);
    // As Kafka's BranchedKStreamImpl: each branch draws an index although its name is not generated.
    source.builder.newProcessorName(childName);
    const node = new ProcessorGraphNode(childName, () => new PassThrough());
    source.builder.addGraphNode(this.#splitter, node);
    const branch = new KStream<K, V>({
      builder: source.builder,
      node,
      name: childName,
      keySerde: source.keySerde,
      valueSerde: source.valueSerde,
      sourceNodes: source.sourceNodes,
      repartitionRequired: source.repartitionRequired,
    });
    if (branched?.chainFunction !== undefined) {
      const result = branched.chainFunction(branch);
      if (result !== undefined && result !== null) {
        if (!(result instanceof KStream)) throw new TypeError(`Branched.withFunction(): the chain function must return a KStream or nothing, but returned: ${describeValue(result)}`);
        this.#outputs[childName] = result;
      }
    } else if (branched?.chainConsumer !== undefined) {
      branched.chainConsumer(branch);
    } else {
      this.#outputs[childName] = branch;
    }
  }
}

/** Kafka's `NamedInternal.orElseGenerateWithPrefix`: the given name, but the index is drawn either way. */
function nameFor(handle: StreamHandle<unknown, unknown>, named: Named | string | undefined, prefix: string): string {
  const generated = handle.builder.newProcessorName(prefix);
  if (named === undefined) return generated;
  return typeof named === 'string' ? named : named.name;
}

function checkBranchSpec(branched: unknown, operator: string): void {
  if (branched === undefined) return;
  if (typeof branched !== 'object' || branched === null || !('name' in branched) || !('chainFunction' in branched) || !('chainConsumer' in branched)) {
    throw new TypeError(`${operator}: branched must be a Branched (Branched.as(name), .withFunction(fn), .withConsumer(fn)) or undefined, but got: ${describeValue(branched)}`);
  }
}

/**
 * Kafka's `ApiUtils.checkSupplier`: a supplier that hands out one shared instance would have one
 * processor run by every task at once. Calling it twice at build time catches that early.
 */
function checkSupplier(supplier: unknown, operator: string, supply: () => unknown): void {
  const isSupplier = typeof supplier === 'function' || (typeof supplier === 'object' && supplier !== null && typeof (supplier as { get?: unknown }).get === 'function');
  if (!isSupplier) throw new TypeError(`${operator}: supplier must be a function or an object with get(), but got: ${describeValue(supplier)}`);
  if (supply() === supply()) {
    throw new TypeError(`${operator}: the processor supplier must return a new processor on every call, but returned the same instance twice`);
  }
}
