/** The facts about the machine and runtime that a benchmark figure needs beside it. */
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly loadAverage1m: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
}
