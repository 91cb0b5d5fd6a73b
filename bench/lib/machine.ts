import os from 'node:os';

/** What a figure was measured on: printed above every table in BENCHMARKS.md. */
export interface MachineInfo {
  node: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** 1-minute load average when the run started: the machine is shared, so say how busy it was. */
  load: number;
  date: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    load: Number(os.loadavg()[0]!.toFixed(2)),
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  };
}

export function describeMachine(info: MachineInfo): string {
  return `Node ${info.node} · ${info.cpu} · ${info.cores} cores · ${info.memoryGiB} GiB · load ${info.load} at start · ${info.date}`;
}
