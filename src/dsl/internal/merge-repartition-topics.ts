import { StreamsException } from '../../errors.js';
import type { GraphNode } from './graph-node.js';
import { createRepartitionNode, RepartitionNode } from './repartition-node.js';

/**
 * `topology.optimization=merge.repartition.topics` (Kafka's `InternalStreamsBuilder`
 * `mergeRepartitionTopics`, with `maybeUpdateKeyChangingRepartitionNodeMap` and
 * `getKeyChangingParentNode`), a rewrite of the logical graph before it is written.
 *
 * Every *optimizable* repartition node (the ones the DSL inserts before an aggregation, a join or
 * `toTable()`; never `repartition()`'s) whose closest key- or value-changing ancestor is a
 * key-changing node (`selectKey`, `map`, `flatMap`, `groupBy`) is filed under that node. For each
 * key-changing node with at least one filed node, one new repartition node is inserted right
 * below it: topic = the first filed node's topic (in the order they were added), serdes = the
 * first key serde and the first value serde any filed node has, names `<topic>-sink`,
 * `<topic>-filter`, `<topic>-source` (three more indices are drawn, after every other name, so no
 * other name changes). The children of the key-changing node that lead to filed nodes move below
 * it, and each filed node is cut out (its children hang from its parents). A `merge` below the key
 * changer(s) that every filed node descends from takes their place, so the new node goes right
 * below the merge.
 *
 * As in Kafka, a single filed node is replaced too (same topic, names `<topic>-sink`…), and a
 * value-changing operation (`mapValues`, `flatMapValues`) between the key changer and the
 * repartition keeps that repartition as it is.
 */
export interface RepartitionMergeHost {
  readonly root: GraphNode;
  newProcessorName(prefix: string): string;
  /** Called for each replaced node, so co-partition groups naming it read the merged topic. */
  replaced(replaced: RepartitionNode, merged: RepartitionNode): void;
}

export function mergeRepartitionTopics(host: RepartitionMergeHost): void {
  const groups = fileRepartitionNodes(allNodesByBuildPriority(host.root));
  for (const [keyChanger, filed] of groups) {
    if (filed.length === 0) continue;
    const merged = createRepartitionNode(host, 'optimizable', filed[0]!.topic, {
      keySerde: filed.find((n) => n.spec.keySerde !== undefined)?.spec.keySerde,
      valueSerde: filed.find((n) => n.spec.valueSerde !== undefined)?.spec.valueSerde,
      partitioner: undefined,
      partitions: undefined,
    });
    // Kafka gives it the key changer's priority: written right after it, before anything below.
    merged.buildPriority = keyChanger.buildPriority + 0.5;
    for (const node of filed) {
      const branch = findAncestor(node, (n) => n.parents.includes(keyChanger));
      if (branch === undefined) throw new StreamsException(`Found a null keyChangingChild node for ${node.nodeName}`);
      link(merged, branch);
      keyChanger.removeChild(branch);
      const parents = [...node.parents];
      const children = [...node.children];
      for (const child of children) for (const parent of parents) link(parent, child);
      for (const parent of parents) parent.removeChild(node);
      for (const child of children) node.removeChild(child);
      host.replaced(node, merged);
    }
    link(keyChanger, merged);
  }
}

/** Kafka's `GraphNode.addChild`: no duplicate edges. */
function link(parent: GraphNode, child: GraphNode): void {
  if (!parent.children.includes(child)) parent.addChild(child);
}

/**
 * Kafka's `findParentNodeMatching`, quirks kept: `start` itself first; then each parent in turn,
 * returning a matching parent at once, else searching above it, where a later parent's search
 * result (even none) overrides an earlier one's.
 */
function findAncestor(start: GraphNode, matches: (node: GraphNode) => boolean): GraphNode | undefined {
  if (matches(start)) return start;
  let found: GraphNode | undefined;
  for (const parent of start.parents) {
    if (matches(parent)) return parent;
    found = findAncestor(parent, matches);
  }
  return found;
}

/** Kafka's `getKeyChangingParentNode`: the closest key- or value-changing ancestor, if it changes the key. */
function keyChangingAncestor(node: GraphNode): GraphNode | undefined {
  const changer = findAncestor(node, (n) => n.keyChangingOperation || n.valueChangingOperation);
  return changer?.keyChangingOperation === true ? changer : undefined;
}

function allNodesByBuildPriority(root: GraphNode): GraphNode[] {
  const seen = new Set<GraphNode>([root]);
  const stack = [...root.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    stack.push(...node.children);
  }
  seen.delete(root);
  return [...seen].sort((a, b) => a.buildPriority - b.buildPriority);
}

/**
 * Kafka's key-changer → repartition-nodes map, as `maybeAddNodeForOptimizationMetadata` fills it
 * node by node in the order they were added, then `maybeUpdateKeyChangingRepartitionNodeMap`:
 * a merge node descending from key changers and from which all their filed nodes descend takes
 * over their filed nodes (appended after the key changers; the key changers dropped).
 *
 * Only nodes not written yet (a later `build()`) are filed, and only when the branch to move is
 * not written either.
 */
function fileRepartitionNodes(nodes: readonly GraphNode[]): Map<GraphNode, RepartitionNode[]> {
  const groups = new Map<GraphNode, RepartitionNode[]>();
  const mergeNodes: GraphNode[] = [];
  for (const node of nodes) {
    if (node.keyChangingOperation) {
      groups.set(node, []);
    } else if (node instanceof RepartitionNode && node.kind === 'optimizable') {
      if (node.written) continue;
      const keyChanger = keyChangingAncestor(node);
      if (keyChanger === undefined) continue;
      const branch = findAncestor(node, (n) => n.parents.includes(keyChanger));
      if (branch !== undefined && !branch.written) groups.get(keyChanger)?.push(node);
    } else if (node.mergeNode) {
      mergeNodes.push(node);
    }
  }
  const taken = new Set<GraphNode>();
  const byMerge = new Map<GraphNode, RepartitionNode[]>();
  for (const merge of mergeNodes) {
    const filed: RepartitionNode[] = [];
    for (const [keyChanger, below] of groups) {
      const allBelowMerge = below.every((n) => findAncestor(n, (a) => a.parents.includes(merge)) !== undefined);
      if (allBelowMerge && findAncestor(merge, (a) => a.parents.includes(keyChanger)) !== undefined) {
        for (const n of below) if (!filed.includes(n)) filed.push(n);
        taken.add(keyChanger);
      }
    }
    byMerge.set(merge, filed);
  }
  for (const [merge, filed] of byMerge) groups.set(merge, filed);
  for (const keyChanger of taken) groups.delete(keyChanger);
  return groups;
}
