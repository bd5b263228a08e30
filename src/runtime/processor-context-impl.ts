import { StreamsException } from '../errors.js';
import type { Processor } from '../processor/processor.js';
import type { ProcessorContext } from '../processor/processor-context.js';
import { PunctuationType, type Cancellable, type Punctuator } from '../processor/punctuation.js';
import type { Record } from '../processor/record.js';
import type { RecordMetadata } from '../processor/record-metadata.js';

type AnyRecord = Record<unknown, unknown>;

/** A processor node as a task runs it. */
export interface TaskNode {
  readonly name: string;
  readonly processor: Processor<unknown, unknown, unknown, unknown>;
  readonly children: TaskNode[];
  readonly childByName: Map<string, TaskNode>;
  /** Names of the state stores connected to this node (`addStateStore`, `connectProcessorAndStateStores`). */
  readonly stores: ReadonlySet<string>;
  /** Last unfinished async `process` of this node; the next record waits for it (per-node order). */
  tail: Promise<void> | undefined;
  context: ProcessorContextImpl | undefined;
}

/** What a node's context needs from its task. */
export interface TaskServices {
  readonly applicationId: string;
  readonly taskId: string;
  appConfigs(): Readonly<{ [key: string]: unknown }>;
  dispatch(node: TaskNode, record: AnyRecord): void | Promise<void>;
  schedule(node: TaskNode, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  recordMetadata(): RecordMetadata | undefined;
  streamTime(): number;
  systemTime(): number;
  requestCommit(): void;
  getStateStore(node: TaskNode, name: string): unknown;
  /** Counts a dropped record in the task's `dropped-records` metric. */
  recordDropped?(): void;
  processorMetadataForKey?(key: string): number | undefined;
  addProcessorMetadataKeyValue?(key: string, value: number): void;
}

/**
 * The `ProcessorContext` of one node. Being per node (rather than one context with a "current
 * node" as in Kafka) is what lets an async processor forward after an `await`: its context still
 * knows whose children to forward to.
 */
export class ProcessorContextImpl implements ProcessorContext<unknown, unknown> {
  readonly #node: TaskNode;
  readonly #task: TaskServices;

  constructor(node: TaskNode, task: TaskServices) {
    this.#node = node;
    this.#task = task;
  }

  get applicationId(): string {
    return this.#task.applicationId;
  }

  get taskId(): string {
    return this.#task.taskId;
  }

  appConfigs(): Readonly<{ [key: string]: unknown }> {
    return this.#task.appConfigs();
  }

  forward(record: AnyRecord, childName?: string): void | Promise<void> {
    const children = this.#node.children;
    if (childName !== undefined) {
      const child = this.#node.childByName.get(childName);
      if (child === undefined) {
        throw new StreamsException(
          `Unknown downstream node: ${childName} either does not exist or is not connected to processor ${this.#node.name} ` +
            `(its children: [${children.map((c) => c.name).join(', ')}])`,
        );
      }
      return this.#task.dispatch(child, record);
    }
    // Fast path: most nodes have one child and run synchronously; no promise is made then.
    if (children.length === 1) return this.#task.dispatch(children[0] as TaskNode, record);
    return this.#forwardFrom(children, 0, record);
  }

  /**
   * Kafka's order: each child's subtree is done with the record before the next child gets it
   * (depth-first), also when a child is async. Sibling branches may share state: the two sides of
   * a stream joined with itself each store the record the other side's lookup must then see.
   */
  #forwardFrom(children: readonly TaskNode[], start: number, record: AnyRecord): void | Promise<void> {
    for (let i = start; i < children.length; i++) {
      const result = this.#task.dispatch(children[i] as TaskNode, record);
      if (result !== undefined) return result.then(() => this.#forwardFrom(children, i + 1, record));
    }
    return undefined;
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 1) {
      throw new RangeError(`The punctuation interval must be a number >= 1 ms, but got: ${String(intervalMs)}`);
    }
    if (type !== PunctuationType.STREAM_TIME && type !== PunctuationType.WALL_CLOCK_TIME) {
      throw new RangeError(`Unrecognized PunctuationType: ${String(type)}`);
    }
    if (typeof punctuator !== 'function') throw new TypeError(`The punctuator must be a function, but got: ${String(punctuator)}`);
    return this.#task.schedule(this.#node, intervalMs, type, punctuator);
  }

  recordMetadata(): RecordMetadata | undefined {
    return this.#task.recordMetadata();
  }

  currentStreamTimeMs(): number {
    return this.#task.streamTime();
  }

  currentSystemTimeMs(): number {
    return this.#task.systemTime();
  }

  commit(): void {
    this.#task.requestCommit();
  }

  processorMetadataForKey(key: string): number | undefined {
    return this.#task.processorMetadataForKey?.(key);
  }

  addProcessorMetadataKeyValue(key: string, value: number): void {
    this.#task.addProcessorMetadataKeyValue?.(key, value);
  }

  recordDropped(): void {
    this.#task.recordDropped?.();
  }

  getStateStore<S = unknown>(name: string): S {
    return this.#task.getStateStore(this.#node, name) as S;
  }
}
