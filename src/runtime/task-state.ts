import { IllegalStateException } from '../errors.js';

/** Kafka's task lifecycle (RESTORING and SUSPENDED are used once tasks have state). */
export type TaskState = 'CREATED' | 'RESTORING' | 'RUNNING' | 'SUSPENDED' | 'CLOSED';

const NEXT: { readonly [S in TaskState]: readonly TaskState[] } = {
  CREATED: ['RESTORING', 'RUNNING', 'CLOSED'],
  RESTORING: ['RUNNING', 'SUSPENDED', 'CLOSED'],
  RUNNING: ['SUSPENDED', 'CLOSED'],
  SUSPENDED: ['RESTORING', 'RUNNING', 'CLOSED'],
  CLOSED: [],
};

/** Holds a task's state and allows only the legal transitions. */
export class TaskStateMachine {
  #state: TaskState = 'CREATED';
  readonly #taskId: string;

  constructor(taskId: string) {
    this.#taskId = taskId;
  }

  get state(): TaskState {
    return this.#state;
  }

  transitionTo(next: TaskState): void {
    if (!NEXT[this.#state].includes(next)) {
      throw new IllegalStateException(`Task ${this.#taskId} cannot go from ${this.#state} to ${next}`);
    }
    this.#state = next;
  }

  require(state: TaskState, action: string): void {
    if (this.#state !== state) {
      throw new IllegalStateException(`Task ${this.#taskId} cannot ${action} in state ${this.#state} (must be ${state})`);
    }
  }
}
