import type { Bench } from 'tinybench';

/**
 * Wall and CPU throughput for tinybench tasks that each run `opsPerTask` operations. Wall time
 * on this shared 2-core machine is inflated by other processes; this process's CPU time much
 * less, so both are printed side by side.
 */
export class CpuTimedTasks {
  private readonly cpuByTask = new Map<string, { cpuMicros: number; calls: number }>();

  constructor(private readonly opsPerTask: number) {}

  /** Wraps a task so its CPU time is recorded: `bench.add(...tasks.timed(name, fn))`. */
  timed(name: string, run: () => void): [string, () => void] {
    const entry = { cpuMicros: 0, calls: 0 };
    this.cpuByTask.set(name, entry);
    return [name, () => {
      const before = process.cpuUsage();
      run();
      const used = process.cpuUsage(before);
      entry.cpuMicros += used.user + used.system;
      entry.calls++;
    }];
  }

  /** One row per task: ops/s by wall clock and by CPU time. */
  rows(bench: Bench): Array<Record<string, string>> {
    return bench.tasks.map((task) => {
      const result = task.result;
      const periodMs = 'period' in result ? result.period : Number.NaN;
      const cpu = this.cpuByTask.get(task.name);
      const cpuOps = cpu === undefined || cpu.cpuMicros === 0
        ? Number.NaN
        : (cpu.calls * this.opsPerTask * 1e6) / cpu.cpuMicros;
      return {
        task: task.name,
        'ops/s (wall)': Math.round((this.opsPerTask * 1000) / periodMs).toLocaleString('en-US'),
        'ops/s (cpu)': Math.round(cpuOps).toLocaleString('en-US'),
      };
    });
  }
}
