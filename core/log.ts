/**
 * Structured logs (pino) go to stderr so stdout stays for command output (URLs, JSON, tables).
 */
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level = 'info', name = 'countrycite'): Logger {
  return pino(
    { name, level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination(2),
  );
}

/** A logger that drops everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
