import { describe, expect, it } from 'vitest';
import { apportion, assignActiveTasks, assignStandbyTasks, type ClientState } from '../../src/runtime/sticky-task-assignment.js';

const tasks = (subtopologies: number, partitions: number): string[] =>
  Array.from({ length: subtopologies }, (_, s) => Array.from({ length: partitions }, (_, p) => `${s}_${p}`)).flat();

const client = (processId: string, ...consumers: [memberId: string, previous?: string[]][]): ClientState => ({
  processId,
  consumers: consumers.map(([memberId, previous]) => ({ memberId, previousActiveTasks: previous ?? [] })),
});

function loads(result: Map<string, string[]>): number[] {
  return [...result.values()].map((t) => t.length);
}

function expectEachTaskOnce(result: Map<string, string[]>, all: string[]): void {
  const assigned = [...result.values()].flat();
  expect(assigned.sort()).toEqual([...all].sort());
}

describe('assignActiveTasks: balance', () => {
  it('splits 6 tasks 3/3 over two single-thread clients', () => {
    const r = assignActiveTasks(tasks(1, 6), [client('a', ['a1']), client('b', ['b1'])]);
    expect(loads(r)).toEqual([3, 3]);
    expectEachTaskOnce(r, tasks(1, 6));
  });

  it('splits 7 tasks 3/2/2 over three clients', () => {
    const r = assignActiveTasks(tasks(1, 7), [client('a', ['a1']), client('b', ['b1']), client('c', ['c1'])]);
    expect(loads(r).sort()).toEqual([2, 2, 3]);
  });

  it('weights clients by their number of threads, then spreads inside a client', () => {
    const r = assignActiveTasks(tasks(1, 6), [client('a', ['a1'], ['a2']), client('b', ['b1'])]);
    expect(r.get('a1')).toHaveLength(2);
    expect(r.get('a2')).toHaveLength(2);
    expect(r.get('b1')).toHaveLength(2);
  });

  it('gives a client one task of each sub-topology rather than all of one', () => {
    const r = assignActiveTasks(tasks(2, 2), [client('a', ['a1']), client('b', ['b1'])]);
    for (const member of ['a1', 'b1']) {
      expect((r.get(member) ?? []).map((t) => t.split('_')[0]).sort()).toEqual(['0', '1']);
    }
  });

  it('keeps every thread within one task of every other, for many random groups', () => {
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const all = tasks(1 + rnd(3), 1 + rnd(12));
      const clients = Array.from({ length: 1 + rnd(4) }, (_, c) =>
        client(`p${c}`, ...Array.from({ length: 1 + rnd(3) }, (_, t): [string, string[]] => [`p${c}-t${t}`, all.filter(() => rnd(4) === 0)])),
      );
      const r = assignActiveTasks(all, clients);
      expectEachTaskOnce(r, all);
      const l = loads(r);
      expect(Math.max(...l) - Math.min(...l)).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic: the same input in another order gives the same result', () => {
    const input = [client('b', ['b1', ['0_1']], ['b2']), client('a', ['a1', ['0_0', '0_3']])];
    const one = assignActiveTasks(tasks(1, 5), input);
    const two = assignActiveTasks(tasks(1, 5), [...input].reverse());
    expect(Object.fromEntries(two)).toEqual(Object.fromEntries(one));
  });
});

describe('assignActiveTasks: stickiness', () => {
  it('moves nothing when the group is unchanged', () => {
    const r = assignActiveTasks(tasks(1, 6), [client('a', ['a1', ['0_1', '0_3', '0_5']]), client('b', ['b1', ['0_0', '0_2', '0_4']])]);
    expect(r.get('a1')).toEqual(['0_1', '0_3', '0_5']);
    expect(r.get('b1')).toEqual(['0_0', '0_2', '0_4']);
  });

  it('moves only the tasks a joining client needs, and none between the old clients', () => {
    const before = { a1: ['0_0', '0_1', '0_2'], b1: ['0_3', '0_4', '0_5'] };
    const r = assignActiveTasks(tasks(1, 6), [client('a', ['a1', before.a1]), client('b', ['b1', before.b1]), client('c', ['c1'])]);
    expect(loads(r)).toEqual([2, 2, 2]);
    for (const t of r.get('a1') ?? []) expect(before.a1).toContain(t);
    for (const t of r.get('b1') ?? []) expect(before.b1).toContain(t);
  });

  it('spreads a leaving client\'s tasks over the others and keeps theirs in place', () => {
    const before = { a1: ['0_0', '0_1'], b1: ['0_2', '0_3'], c1: ['0_4', '0_5'] };
    const r = assignActiveTasks(tasks(1, 6), [client('a', ['a1', before.a1]), client('b', ['b1', before.b1])]);
    expect(loads(r)).toEqual([3, 3]);
    for (const t of before.a1) expect(r.get('a1')).toContain(t);
    for (const t of before.b1) expect(r.get('b1')).toContain(t);
  });

  it('keeps a thread\'s own tasks on that thread inside its client', () => {
    const r = assignActiveTasks(tasks(1, 4), [client('a', ['a1', ['0_2', '0_3']], ['a2', ['0_0', '0_1']])]);
    expect(r.get('a1')).toEqual(['0_2', '0_3']);
    expect(r.get('a2')).toEqual(['0_0', '0_1']);
  });

  it('gives a task claimed by two clients (a zombie) to one of them only', () => {
    const r = assignActiveTasks(tasks(1, 2), [client('a', ['a1', ['0_0']]), client('b', ['b1', ['0_0']])]);
    expectEachTaskOnce(r, tasks(1, 2));
  });
});

describe('apportion', () => {
  it('gives ties in the remainder to the bin that held more before', () => {
    expect(apportion(3, [1, 1], [0, 2])).toEqual([1, 2]);
    expect(apportion(3, [1, 1], [2, 0])).toEqual([2, 1]);
  });

  it('sums to the total', () => {
    for (let total = 0; total < 20; total++) expect(apportion(total, [3, 1, 2], [0, 0, 0]).reduce((a, b) => a + b, 0)).toBe(total);
  });
});

const withState = (c: ClientState, sums: Record<string, number>, previousStandby: string[] = []): ClientState => ({
  ...c,
  consumers: c.consumers.map((m, i) => (i === 0 ? { ...m, previousStandbyTasks: previousStandby } : m)),
  taskOffsetSums: new Map(Object.entries(sums)),
});

describe('assignActiveTasks: state-aware', () => {
  it('fails a task over to the client with the most caught-up copy of its state', () => {
    // 'a' left; its tasks 0_0..0_2 go where their state is: 'c' is most caught up on 0_0 and 0_1, 'b' on 0_2.
    const b = withState(client('b', ['b1', ['0_3', '0_4']]), { '0_0': 10, '0_1': 5, '0_2': 900 });
    const c = withState(client('c', ['c1', ['0_5']]), { '0_0': 800, '0_1': 700, '0_2': 100 });
    const r = assignActiveTasks(tasks(1, 6), [b, c]);
    expect(r.get('c1')).toEqual(['0_0', '0_1', '0_5']);
    expect(r.get('b1')).toEqual(['0_2', '0_3', '0_4']);
  });

  it('keeps the previous active owner over a standby with more state, and stays balanced', () => {
    const a = client('a', ['a1', ['0_0', '0_1']]);
    const b = withState(client('b', ['b1', []]), { '0_0': 1_000, '0_1': 1_000, '0_2': 1_000, '0_3': 1_000 });
    const r = assignActiveTasks(tasks(1, 4), [a, b]);
    expect(r.get('a1')).toEqual(['0_0', '0_1']);
    expect(r.get('b1')).toEqual(['0_2', '0_3']);
  });

  it('gives a restarted client (no active tasks held, stores on disk) its tasks back', () => {
    const a = withState(client('a', ['a1', []]), { '0_0': 50, '0_2': 50, '0_4': 50 });
    const b = client('b', ['b1', ['0_0', '0_1', '0_2', '0_3', '0_4', '0_5']]);
    const r = assignActiveTasks(tasks(1, 6), [a, b]);
    expect(r.get('a1')).toEqual(['0_0', '0_2', '0_4']);
    expect(r.get('b1')).toEqual(['0_1', '0_3', '0_5']);
  });
});

describe('assignStandbyTasks', () => {
  const activeOf = (r: Map<string, string[]>, member: string): string[] => r.get(member) ?? [];

  it('never puts a standby on the client of the active task, and balances them', () => {
    const clients = [client('a', ['a1']), client('b', ['b1']), client('c', ['c1'])];
    const active = assignActiveTasks(tasks(1, 6), clients);
    const standby = assignStandbyTasks(tasks(1, 6), clients, active, 1);
    for (const m of ['a1', 'b1', 'c1']) for (const t of activeOf(standby, m)) expect(activeOf(active, m)).not.toContain(t);
    expect([...standby.values()].flat().sort()).toEqual(tasks(1, 6).sort());
    expect(loads(standby)).toEqual([2, 2, 2]);
  });

  it('places two replicas of a task on two different clients, and fewer when clients run out', () => {
    const three = [client('a', ['a1']), client('b', ['b1']), client('c', ['c1'])];
    const active = assignActiveTasks(tasks(1, 3), three);
    const two = assignStandbyTasks(tasks(1, 3), three, active, 2);
    for (const t of tasks(1, 3)) {
      const holders = ['a1', 'b1', 'c1'].filter((m) => activeOf(two, m).includes(t) || activeOf(active, m).includes(t));
      expect(holders).toHaveLength(3);
    }
    const pair = [client('a', ['a1']), client('b', ['b1'])];
    const active2 = assignActiveTasks(tasks(1, 3), pair);
    const capped = assignStandbyTasks(tasks(1, 3), pair, active2, 2);
    expect([...capped.values()].flat().sort()).toEqual(tasks(1, 3).sort());
  });

  it('assigns none with one client or zero replicas', () => {
    const one = [client('a', ['a1'], ['a2'])];
    expect([...assignStandbyTasks(tasks(1, 4), one, assignActiveTasks(tasks(1, 4), one), 1).values()].flat()).toEqual([]);
    const two = [client('a', ['a1']), client('b', ['b1'])];
    expect([...assignStandbyTasks(tasks(1, 4), two, assignActiveTasks(tasks(1, 4), two), 0).values()].flat()).toEqual([]);
  });

  it('is sticky: a client keeps the standbys it held (state on disk) while that stays balanced', () => {
    const active = new Map([['a1', ['0_0', '0_1']], ['b1', ['0_2', '0_3']], ['c1', ['0_4', '0_5']]]);
    const a = withState(client('a', ['a1', ['0_0', '0_1']]), { '0_4': 10, '0_5': 10 }, ['0_4', '0_5']);
    const b = withState(client('b', ['b1', ['0_2', '0_3']]), { '0_0': 10, '0_1': 10 }, ['0_0', '0_1']);
    const c = withState(client('c', ['c1', ['0_4', '0_5']]), { '0_2': 10, '0_3': 10 }, ['0_2', '0_3']);
    const standby = assignStandbyTasks(tasks(1, 6), [a, b, c], active, 1);
    expect(standby.get('a1')).toEqual(['0_4', '0_5']);
    expect(standby.get('b1')).toEqual(['0_0', '0_1']);
    expect(standby.get('c1')).toEqual(['0_2', '0_3']);
  });

  it('spreads a client\'s standbys over its threads', () => {
    const clients = [client('a', ['a1'], ['a2']), client('b', ['b1'], ['b2'])];
    const active = assignActiveTasks(tasks(1, 8), clients);
    const standby = assignStandbyTasks(tasks(1, 8), clients, active, 1);
    expect(loads(standby)).toEqual([2, 2, 2, 2]);
  });
});
