/**
 * Counts this process's TCP connections to given ports (the brokers'), from Linux's /proc: the
 * socket inodes among /proc/self/fd matched against the connections listed in /proc/net/tcp and
 * tcp6. Undefined where /proc is not there (another OS), so a benchmark can leave the figure out.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

/** Inodes of the sockets this process holds open. */
async function ownSocketInodes(): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match?.[1] !== undefined) inodes.add(match[1]);
  }
  return inodes;
}

/** Inodes of established TCP connections whose remote port is one of `ports`. */
async function connectionInodes(ports: ReadonlySet<number>): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      const remote = fields[2];
      const state = fields[3];
      const inode = fields[9];
      if (remote === undefined || inode === undefined || state !== '01') continue; // 01: ESTABLISHED
      const port = parseInt(remote.slice(remote.lastIndexOf(':') + 1), 16);
      if (ports.has(port)) inodes.add(inode);
    }
  }
  return inodes;
}

/** This process's established connections to any of `ports`, or undefined without Linux's /proc. */
export async function socketsToPorts(ports: ReadonlySet<number>): Promise<number | undefined> {
  try {
    const own = await ownSocketInodes();
    const connections = await connectionInodes(ports);
    let count = 0;
    for (const inode of connections) if (own.has(inode)) count++;
    return count;
  } catch {
    return undefined;
  }
}

/** The ports of a `host:port[,host:port]` bootstrap list. */
export function bootstrapPorts(bootstrap: string): Set<number> {
  return new Set(
    bootstrap
      .split(',')
      .map((s) => Number(s.trim().slice(s.trim().lastIndexOf(':') + 1)))
      .filter((p) => Number.isInteger(p) && p > 0),
  );
}
