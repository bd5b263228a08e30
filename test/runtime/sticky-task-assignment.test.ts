import { describe, expect, it } from 'vitest';
import { apportion, assignActiveTasks, type ClientState } from '../../src/runtime/sticky-task-assignment.js';

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
