import { logger } from '../../logger.js';
import { TimeOrderedKeyValueBufferBuilder } from '../../state/time-ordered-key-value-buffer.js';
import { describeValue } from '../internal/arguments.js';
import { TableState } from '../internal/ktable-processor-supplier.js';
import { StatefulProcessorNode } from '../internal/stateful-processor-node.js';
import type { TableHandle } from '../internal/table-handle.js';
import { Suppressed } from '../suppressed.js';
import { findAndVerifyWindowGrace } from './suppress-grace.js';
import { KTableSuppress, type SuppressionSpec } from './suppress-processor.js';

/** Kafka's `KTableImpl.SUPPRESS_NAME`: node `KTABLE-SUPPRESS-<n>`, store `KTABLE-SUPPRESS-STATE-STORE-<n>`. */
export const SUPPRESS_PREFIX = 'KTABLE-SUPPRESS-';

const log = logger.child({ component: 'dsl' });

/**
 * Adds `suppress()` to the graph below `self` (Kafka's `KTableImpl.suppress`) and returns the
 * suppressed table's handle. Names as Kafka draws them: the processor (`Suppressed.withName` or
 * `KTABLE-SUPPRESS-<n>`), then the buffer store (`<name>-store` or
 * `KTABLE-SUPPRESS-STATE-STORE-<n>`). `untilWindowCloses` waits the grace of the windowed
 * aggregation upstream (sessions: gap + grace).
 * @throws TypeError when `suppressed` is not a `Suppressed`
 * @throws TopologyException when `untilWindowCloses` has no windowed aggregation upstream
 */
export function suppressedTableHandle<K, V>(self: TableHandle<K, V>, suppressed: Suppressed<K>): TableHandle<K, V> {
  if (!(suppressed instanceof Suppressed)) {
    throw new TypeError(`suppress(): suppressed must be a Suppressed (Suppressed.untilWindowCloses / untilTimeLimit), but got: ${describeValue(suppressed)}`);
  }
  const builder = self.builder;
  const name = suppressed.name ?? builder.newProcessorName(SUPPRESS_PREFIX);
  let durationMs: number;
  if (suppressed.kind === 'untilWindowCloses') {
    durationMs = findAndVerifyWindowGrace(self.node);
    log.info({ node: name, graceMs: durationMs }, 'Using the grace period of the windowed aggregation as the suppress duration');
  } else {
    durationMs = suppressed.timeToWaitForMoreEventsMs as number;
  }
  const storeName = suppressed.name === undefined ? builder.newStoreName(SUPPRESS_PREFIX) : `${suppressed.name}-store`;
  const config = suppressed.bufferConfig;
  const storeBuilder = new TimeOrderedKeyValueBufferBuilder(storeName);
  if (config.loggingEnabled) storeBuilder.withLoggingEnabled(config.logConfig);
  else storeBuilder.withLoggingDisabled();
  const spec: SuppressionSpec = {
    nodeName: name,
    storeName,
    durationMs,
    bufferTime: suppressed.kind === 'untilWindowCloses' ? 'windowEnd' : 'recordTime',
    safeToDropTombstones: suppressed.kind === 'untilWindowCloses',
    maxRecords: config.maxRecords,
    maxBytes: config.maxBytes,
    bufferFullStrategy: config.bufferFullStrategy,
  };
  const supplier = new KTableSuppress<K, V>(spec, self.state, storeBuilder, self.keySerde, self.valueSerde);
  const node = new StatefulProcessorNode(name, supplier, { stores: () => supplier.stores() });
  builder.addGraphNode(self.node, node);
  return {
    builder,
    node,
    name,
    keySerde: self.keySerde,
    valueSerde: self.valueSerde,
    sourceNodes: self.sourceNodes,
    queryableStoreName: undefined,
    state: new TableState(supplier),
  };
}
