import { TopologyException } from '../../errors.js';
import type { GraphNode } from '../internal/graph-node.js';
import { StatefulProcessorNode } from '../internal/stateful-processor-node.js';
import { KStreamSessionWindowAggregate } from './kstream-session-window-aggregate.js';
import { KStreamSlidingWindowAggregate } from './kstream-sliding-window-aggregate.js';
import { KStreamWindowAggregate } from './kstream-window-aggregate.js';

/** The grace a windowed aggregation node defines (sessions: gap + grace), or undefined for other nodes. */
function gracePeriodOf(node: GraphNode): number | undefined {
  if (!(node instanceof StatefulProcessorNode)) return undefined;
  const supplier: unknown = node.supplier;
  if (supplier instanceof KStreamWindowAggregate || supplier instanceof KStreamSlidingWindowAggregate) return supplier.windows.gracePeriodMs();
  if (supplier instanceof KStreamSessionWindowAggregate) return supplier.windows.gracePeriodMs() + supplier.windows.inactivityGap();
  return undefined;
}

/**
 * How long `suppress(untilWindowCloses)` waits after a window's end (Kafka's
 * `GraphGraceSearchUtil.findAndVerifyWindowGrace`, SEMANTICS §5.5): the grace of the windowed
 * aggregation upstream of `node` (through table operators such as `filter` and `mapValues`; with
 * several parents, the largest), sessions adding their gap.
 * @throws TopologyException when some path upstream reaches a source without a windowed aggregation
 */
export function findAndVerifyWindowGrace(node: GraphNode, chain = ''): number {
  const grace = gracePeriodOf(node);
  if (grace !== undefined) return grace;
  const newChain = chain === '' ? node.nodeName : `${node.nodeName}->${chain}`;
  if (node.parents.length === 0) throw new TopologyException(`Window close time is only defined for windowed computations. Got [${newChain}].`);
  let inherited = -1;
  for (const parent of node.parents) inherited = Math.max(inherited, findAndVerifyWindowGrace(parent, newChain));
  return inherited;
}
