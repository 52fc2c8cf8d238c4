/**
 * Progress for long work (crawl, import, index): a live bar on a terminal, a line every few seconds
 * otherwise (CI logs, pipes), always on stderr so stdout stays clean for results.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, detail?: string): void;
  stop(): void;
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} {detail}`,
        stream,
        hideCursor: true,
        clearOnComplete: false,
        barsize: 24,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, detail = '') {
        const short = detail.length > 60 ? `…${detail.slice(-59)}` : detail;
        if (!started) {
          bar.start(total, done, { detail: short });
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(done, { detail: short });
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  return {
    update(done, total, detail = '') {
      const now = Date.now();
      if (now - last >= 2000 || done === total) {
        stream.write(`${label}: ${done}/${total}${detail ? ` ${detail}` : ''}\n`);
        last = now;
      }
    },
    stop() {},
  };
}
