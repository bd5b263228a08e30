import { describe, expect, it } from 'vitest';
import { assignActiveTasks, type ClientState } from '../../src/runtime/sticky-task-assignment.js';
import { addWarmups, holdOnCaughtUpClients, type TaskLags } from '../../src/runtime/warmup-assignment.js';

const ALL = ['0_0', '0_1', '0_2', '0_3'];
const STATEFUL = new Set(ALL);

const client = (processId: string, previous: string[] = [], offsetSums: Record<string, number> = {}, memberId = `${processId}1`): ClientState => ({
  processId,
  consumers: [{ memberId, previousActiveTasks: previous }],
  taskOffsetSums: new Map(Object.entries(offsetSums)),
});

/** Lags as the assignor computes them: 0 where the client runs the task, else end - its offset sum. */
const lagsAgainst = (ends: Record<string, number>, clients: readonly ClientState[]): TaskLags => ({
  lag: (processId, task) => {
    const c = clients.find((x) => x.processId === processId)!;
    if (ends[task] === undefined) return undefined;
    if (c.consumers.some((m) => m.previousActiveTasks.includes(task))) return 0;
    return Math.max(0, ends[task] - (c.taskOffsetSums?.get(task) ?? 0));
  },
});

const OPTIONS = { acceptableRecoveryLag: 100, maxWarmupReplicas: 2 };
const ENDS = { '0_0': 5_000, '0_1': 5_000, '0_2': 5_000, '0_3': 5_000 };

function hold(clients: ClientState[], ends: Record<string, number> = ENDS, options = OPTIONS) {
  const balanced = assignActiveTasks(ALL, clients);
  return { balanced, ...holdOnCaughtUpClients(STATEFUL, clients, balanced, lagsAgainst(ends, clients), options) };
}

describe('holdOnCaughtUpClients (KIP-441)', () => {
  it('keeps every task on the client running it when a new client without state joins', () => {
    const clients = [client('a', ALL), client('b')];
    const { balanced, active, held } = hold(clients);
    expect(balanced.get('b1')).toHaveLength(2);   // balance alone would move two tasks to b
    expect(active.get('a1')).toEqual(ALL);
    expect(active.get('b1')).toEqual([]);
    expect(held.map((h) => h.task).sort()).toEqual(balanced.get('b1')!.slice().sort());
    expect(held.every((h) => h.memberId === 'b1')).toBe(true);
  });

  it('moves a task to a client whose copy is within acceptable.recovery.lag (a warm standby)', () => {
    const clients = [client('a', ALL), client('b', [], { '0_0': 4_950, '0_2': 4_950 })];
    const { balanced, active, held } = hold(clients);
    expect(balanced.get('b1')).toEqual(['0_0', '0_2']);   // balance already prefers the warm copies
    expect(active.get('b1')).toEqual(['0_0', '0_2']);
    expect(held).toEqual([]);
  });

  it('counts a copy exactly acceptable.recovery.lag behind as caught up, one record more as not', () => {
    const at = hold([client('a', ALL), client('b', [], { '0_0': 4_900, '0_2': 4_899 })]);
    expect(at.active.get('b1')).toEqual(['0_0']);
    expect(at.held.map((h) => h.task)).toEqual(['0_2']);
  });

  it('leaves the balanced assignment alone when no client is caught up (the one that was is gone)', () => {
    const clients = [client('b', [], { '0_0': 10 }), client('c')];
    const { balanced, active, held } = hold(clients);
    expect(active).toEqual(balanced);
    expect(held).toEqual([]);
  });

  it('leaves it alone when the changelog ends are unknown, and for stateless tasks', () => {
    const clients = [client('a', ALL), client('b')];
    const unknown = hold(clients, {});
    expect(unknown.active).toEqual(unknown.balanced);
    const stateless = holdOnCaughtUpClients(new Set(), clients, unknown.balanced, lagsAgainst(ENDS, clients), OPTIONS);
    expect(stateless.active).toEqual(unknown.balanced);
  });

  it('holds a task on the caught-up client least behind when its runner is gone', () => {
    // a ran everything and left; b and c have standby copies, c's closer to the end; d is new.
    const clients = [client('b', [], { '0_0': 4_920 }), client('c', [], { '0_0': 4_990 }), client('d')];
    const balanced = new Map([['b1', ['0_1']], ['c1', ['0_2']], ['d1', ['0_0', '0_3']]]);
    const { active, held } = holdOnCaughtUpClients(STATEFUL, clients, balanced, lagsAgainst(ENDS, clients), OPTIONS);
    expect(active.get('c1')).toEqual(['0_0', '0_2']);
    expect(active.get('d1')).toEqual(['0_3']);   // nobody is caught up on 0_3: balance decides
    expect(held).toEqual([{ task: '0_0', memberId: 'd1' }]);
  });
});

describe('addWarmups', () => {
  it('adds at most max.warmup.replicas warm-up standbys, on the members balance chose', () => {
    const held = [{ task: '0_0', memberId: 'b1' }, { task: '0_1', memberId: 'b1' }, { task: '0_2', memberId: 'c1' }];
    const clients = [client('a', ALL), client('b'), client('c')];
    const standbys = new Map<string, string[]>([['a1', []], ['b1', []], ['c1', []]]);
    expect(addWarmups(held, clients, standbys, 2)).toBe(2);
    expect(standbys.get('b1')).toEqual(['0_0', '0_1']);
    expect(standbys.get('c1')).toEqual([]);
  });

  it('adds none where the client already has the task as a standby, on any of its threads', () => {
    const b: ClientState = { processId: 'b', consumers: [{ memberId: 'b1', previousActiveTasks: [] }, { memberId: 'b2', previousActiveTasks: [] }] };
    const standbys = new Map<string, string[]>([['b1', []], ['b2', ['0_0']]]);
    expect(addWarmups([{ task: '0_0', memberId: 'b1' }, { task: '0_1', memberId: 'b1' }], [b], standbys, 1)).toBe(1);
    expect(standbys.get('b1')).toEqual(['0_1']);
    expect(standbys.get('b2')).toEqual(['0_0']);
  });
});
