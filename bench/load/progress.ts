/**
 * Phase progress bars (cli-progress) on stderr, and report lines on stdout that do not tear the
 * bars. On a non-TTY stderr (CI, pipes) the bars are skipped and only the lines are printed.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Starts a bar for a phase; `total` in `unit`s (seconds or messages). */
  phase(name: string, total: number, unit: string): void;
  update(value: number): void;
  /** Prints a line without disturbing the bar. */
  log(line: string): void;
  stop(): void;
}

class BarProgress implements Progress {
  private readonly multibar = new cliProgress.MultiBar({
    format: ' {phase} |{bar}| {percentage}% | {value}/{total} {unit} | {eta_formatted} left',
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    stream: process.stderr,
  }, cliProgress.Presets.shades_classic);
  private bar: cliProgress.SingleBar | undefined;

  phase(name: string, total: number, unit: string): void {
    this.bar?.update(this.bar.getTotal());
    this.bar = this.multibar.create(Math.max(1, Math.round(total)), 0, { phase: name.padEnd(12), unit });
  }

  update(value: number): void {
    this.bar?.update(Math.round(value));
  }

  log(line: string): void {
    this.multibar.log(`${line}\n`);
  }

  stop(): void {
    this.multibar.stop();
  }
}

class LineProgress implements Progress {
  constructor(private readonly write: (line: string) => void) {}
  phase(name: string, total: number, unit: string): void {
    this.write(`== phase ${name}: ${Math.round(total)} ${unit}`);
  }
  update(): void {}
  log(line: string): void {
    this.write(line);
  }
  stop(): void {}
}

export function createProgress(options: { bars: boolean; write?: (line: string) => void }): Progress {
  const write = options.write ?? ((line: string): void => {
    process.stdout.write(`${line}\n`);
  });
  if (options.bars && process.stderr.isTTY === true) return new BarProgress();
  return new LineProgress(write);
}
