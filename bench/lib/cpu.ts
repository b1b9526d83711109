// CPU use of the server processes, the callback receiver and the whole machine, from /proc.

import fs from 'node:fs';
import os from 'node:os';
import { percent } from './stats.js';

const CLK_TCK = 100; // Linux USER_HZ

/** CPU seconds (user+system) a process has used so far, from /proc; undefined off Linux. */
export function procCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Summed CPU seconds of several processes (e.g. two huddle instances); undefined if any is unknown. */
function cpuSecondsOf(pids: number | number[] | undefined): number | undefined {
  if (pids === undefined) return undefined;
  let sum = 0;
  for (const pid of Array.isArray(pids) ? pids : [pids]) {
    const s = procCpuSeconds(pid);
    if (s === undefined) return undefined;
    sum += s;
  }
  return sum;
}

/** Whole-machine busy and total jiffies, from /proc/stat. */
function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

export interface CpuFigures {
  /** CPU seconds the server process(es) used in the window. */
  serverSeconds: number | undefined;
  serverCpuPct: number | undefined;
  receiverCpuPct: number | undefined;
  /** Out of 100 % per CPU. */
  machineBusyPct: number | undefined;
}

/**
 * Opens a CPU window over the server process(es), the callback receiver and the whole machine;
 * `end(elapsed)` reads them again and gives each as a share of the `elapsed` seconds.
 */
export function cpuWindow(
  serverPids: number | number[] | undefined,
  receiverPid: number | undefined,
): { end(elapsed: number): CpuFigures } {
  const srv0 = cpuSecondsOf(serverPids);
  const rcv0 = procCpuSeconds(receiverPid);
  const m0 = machineJiffies();
  return {
    end(elapsed) {
      const srv1 = cpuSecondsOf(serverPids);
      const rcv1 = procCpuSeconds(receiverPid);
      const m1 = machineJiffies();
      const serverSeconds = srv0 !== undefined && srv1 !== undefined ? srv1 - srv0 : undefined;
      return {
        serverSeconds,
        serverCpuPct: serverSeconds !== undefined ? percent(serverSeconds / elapsed) : undefined,
        receiverCpuPct: rcv0 !== undefined && rcv1 !== undefined ? percent((rcv1 - rcv0) / elapsed) : undefined,
        machineBusyPct:
          m0 && m1 ? percent((os.cpus().length * (m1.busy - m0.busy)) / (m1.total - m0.total)) : undefined,
      };
    },
  };
}
