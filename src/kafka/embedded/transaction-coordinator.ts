import type { TopicPartitionOffset } from '../port.js';
import { EmbeddedKafkaError, type EmbeddedErrorType } from './errors.js';
import type { PartitionLog, TransactionStatus } from './partition-log.js';

/** One transaction in flight: the partitions it wrote to and the group offsets it carries. */
export class OpenTransaction implements TransactionStatus {
  status: TransactionStatus['status'] = 'open';
  readonly partitions = new Set<PartitionLog>();
  readonly offsets = new Map<string, TopicPartitionOffset[]>();
  timer: NodeJS.Timeout | undefined;

  constructor(
    readonly transactionalId: string,
    readonly epoch: number,
  ) {}
}

interface TransactionalProducerState {
  readonly producerId: number;
  epoch: number;
  current: OpenTransaction | undefined;
  /** Why the latest epoch bump fenced older producers, for their error message. */
  fencedBecause: string;
}

/** A transaction call that fails on purpose (test hook `failEmbeddedTransactions`). */
export interface TransactionFault {
  /** The call that fails: a send into the transaction, adding offsets to it, or committing it. */
  readonly operation: 'send' | 'sendOffsets' | 'commit';
  /** The Kafka error it fails with. */
  readonly error: EmbeddedErrorType;
  /** Only this transactional id's calls (any when absent). */
  readonly transactionalId?: string;
  /** How many matching calls fail (default 1). */
  readonly times?: number;
}

/** What the coordinator needs from the cluster. */
export interface TransactionHooks {
  /** Commits a group's offsets (a committed transaction's `sendOffsets`). */
  writeGroupOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): void;
  /** Markers were written to these topics: wake their readers (the LSO moved). */
  topicsChanged(topics: ReadonlySet<string>): void;
}

/**
 * Kafka's transaction coordinator, in process: producer ids and epochs per transactional id,
 * the one open transaction of each, and its end (markers in every partition it wrote, then
 * its group offsets). A new producer with the same transactional id bumps the epoch, aborts
 * whatever the old one left open, and fences it: every later call from the old epoch fails
 * with PRODUCER_FENCED. A transaction open longer than its timeout is aborted the same way.
 */
export class TransactionCoordinator {
  readonly #producers = new Map<string, TransactionalProducerState>();
  #nextProducerId = 1000;
  readonly #faults: { fault: TransactionFault; remaining: number }[] = [];

  constructor(readonly hooks: TransactionHooks) {}

  /** InitProducerId: returns the new epoch for this transactional id. */
  initProducer(transactionalId: string): number {
    let state = this.#producers.get(transactionalId);
    if (state === undefined) {
      state = { producerId: this.#nextProducerId++, epoch: 0, current: undefined, fencedBecause: '' };
      this.#producers.set(transactionalId, state);
      return 0;
    }
    if (state.current !== undefined) this.#end(state, state.current, 'aborted');
    state.epoch += 1;
    state.fencedBecause = 'a newer producer with the same transactional.id was initialised';
    return state.epoch;
  }

  begin(transactionalId: string, epoch: number, timeoutMs: number): OpenTransaction {
    const state = this.#check(transactionalId, epoch);
    if (state.current !== undefined) {
      throw new EmbeddedKafkaError('INVALID_TXN_STATE', `Transactional id '${transactionalId}' already has an open transaction; commit or abort it first`);
    }
    const txn = new OpenTransaction(transactionalId, epoch);
    txn.timer = setTimeout(() => this.#expire(transactionalId, txn, timeoutMs), timeoutMs);
    txn.timer.unref();
    state.current = txn;
    return txn;
  }

  /** Throws unless `txn` is still the open transaction of the current epoch. */
  checkOpen(txn: OpenTransaction): void {
    const state = this.#check(txn.transactionalId, txn.epoch);
    if (state.current !== txn) {
      throw new EmbeddedKafkaError('INVALID_TXN_STATE', `The transaction of '${txn.transactionalId}' has already ended (${txn.status})`);
    }
  }

  end(txn: OpenTransaction, result: 'committed' | 'aborted'): void {
    this.checkOpen(txn);
    this.#end(this.#producers.get(txn.transactionalId)!, txn, result);
  }

  /** Makes the next matching transaction calls fail (see `failEmbeddedTransactions`). */
  injectFault(fault: TransactionFault): void {
    this.#faults.push({ fault, remaining: fault.times ?? 1 });
  }

  /**
   * Throws the error of an injected fault that matches this call. The call has no effect then:
   * a failed send wrote nothing, a failed commit leaves the transaction open (to be aborted).
   */
  checkFault(transactionalId: string, operation: TransactionFault['operation']): void {
    const i = this.#faults.findIndex(({ fault }) => fault.operation === operation && (fault.transactionalId === undefined || fault.transactionalId === transactionalId));
    if (i < 0) return;
    const entry = this.#faults[i]!;
    if (--entry.remaining <= 0) this.#faults.splice(i, 1);
    throw new EmbeddedKafkaError(entry.fault.error, `Injected failure of ${operation} for transactional id '${transactionalId}' (${entry.fault.error})`);
  }

  /** Stops every transaction timer (cluster reset). */
  close(): void {
    for (const state of this.#producers.values()) clearTimeout(state.current?.timer);
  }

  #check(transactionalId: string, epoch: number): TransactionalProducerState {
    const state = this.#producers.get(transactionalId);
    if (state === undefined || state.epoch !== epoch) {
      throw new EmbeddedKafkaError(
        'PRODUCER_FENCED',
        `Producer with transactional.id '${transactionalId}' (epoch ${epoch}) has been fenced: ${state?.fencedBecause ?? 'unknown id'}`,
      );
    }
    return state;
  }

  #end(state: TransactionalProducerState, txn: OpenTransaction, result: 'committed' | 'aborted'): void {
    clearTimeout(txn.timer);
    txn.status = result;
    state.current = undefined;
    const now = Date.now();
    for (const log of txn.partitions) log.appendMarker(txn, now);
    if (result === 'committed') {
      for (const [groupId, offsets] of txn.offsets) this.hooks.writeGroupOffsets(groupId, offsets);
    }
    this.hooks.topicsChanged(new Set([...txn.partitions].map((log) => log.topic)));
  }

  #expire(transactionalId: string, txn: OpenTransaction, timeoutMs: number): void {
    const state = this.#producers.get(transactionalId);
    if (state?.current !== txn) return;
    this.#end(state, txn, 'aborted');
    state.epoch += 1;
    state.fencedBecause = `its transaction was open longer than transaction.timeout.ms (${timeoutMs} ms) and was aborted`;
  }
}
