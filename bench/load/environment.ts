/**
 * The environment block of a result: what machine, OS, Node and commit produced it, so numbers
 * are never quoted without their context (STYLE §11).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface Environment {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  kernel: string;
  platform: string;
  hostname: string;
  node: string;
  gitCommit: string;
  gitDirty: boolean;
  startedAt: string;
}

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function collectEnvironment(repoDir: string, startedAt: Date): Environment {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain', '--untracked-files=no'], repoDir);
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    kernel: `${os.type()} ${os.release()}`,
    platform: `${process.platform}-${process.arch}`,
    hostname: os.hostname(),
    node: process.version,
    gitCommit: git(['rev-parse', 'HEAD'], repoDir) ?? 'unknown',
    gitDirty: status !== undefined && status.length > 0,
    startedAt: startedAt.toISOString(),
  };
}
