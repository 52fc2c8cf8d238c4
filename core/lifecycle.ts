/**
 * Graceful shutdown: resources register a stop function; on SIGINT, SIGTERM or a normal exit they are
 * stopped in reverse order of registration (server first, then the search engine it queries).
 */
type Stopper = { name: string; stop: () => Promise<void>; stopSync?: () => void };

const stoppers: Stopper[] = [];
let installed = false;
let stopping: Promise<void> | undefined;

export function onShutdown(stopper: Stopper): () => void {
  install();
  stoppers.push(stopper);
  return () => {
    const i = stoppers.indexOf(stopper);
    if (i >= 0) stoppers.splice(i, 1);
  };
}

export function shutdown(): Promise<void> {
  stopping ??= (async () => {
    for (const s of [...stoppers].reverse()) {
      try {
        await s.stop();
      } catch (error) {
        process.stderr.write(`Stopping ${s.name} failed: ${String(error)}\n`);
      }
    }
    stoppers.length = 0;
  })();
  return stopping;
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      void shutdown().finally(() => process.exit(code));
    });
  }
  // Last resort on an abrupt exit (uncaught error, process.exit): synchronous stops only.
  process.once('exit', () => {
    for (const s of [...stoppers].reverse()) s.stopSync?.();
  });
}
