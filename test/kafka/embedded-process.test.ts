/**
 * The embedded backend in a process of its own: a running consumer keeps Node alive (as a real
 * client's sockets do, so `npm start` on embedded does not just exit), and nothing is left
 * holding the process once it disconnects.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from './embedded-helpers.js';

const entry = fileURLToPath(new URL('../../src/kafka/embedded/index.ts', import.meta.url));

const script = (thenDisconnect: boolean): string => `
import { createEmbeddedClient } from ${JSON.stringify(entry)};
const client = createEmbeddedClient('alive', { bootstrapServers: 'embedded://alive' });
const admin = client.admin();
await admin.connect();
await admin.createTopics([{ name: 't', partitions: 2 }]);
const consumer = client.consumer({ groupId: 'g' });
await consumer.connect();
await consumer.subscribe(['t']);
await consumer.run({ onPartitionsAssigned: async () => {}, onPartitionsRevoked: async () => {}, onBatch: async () => {} });
console.log('running');
${thenDisconnect ? "await consumer.disconnect(); console.log('disconnected');" : ''}
`;

let children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }
  children = [];
});

function run(source: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('embedded backend in a process', () => {
  it('keeps the process alive while a consumer runs, and lets it exit after disconnect', async () => {
    const running = run(script(false));
    const deadline = Date.now() + 15_000;
    while (!running.output().includes('running')) {
      if (Date.now() > deadline || running.child.exitCode !== null) throw new Error(`child did not start: ${running.output()}`);
      await sleep(20);
    }
    await sleep(300);
    expect(running.child.exitCode).toBeNull();
    process.kill(running.child.pid!, 'SIGTERM');
    await running.exited;

    const stopping = run(script(true));
    const code = await Promise.race([stopping.exited, sleep(15_000).then(() => 'timeout' as const)]);
    expect(stopping.output()).toContain('disconnected');
    expect(code).toBe(0);
  });
});
