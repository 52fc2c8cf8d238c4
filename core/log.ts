/**
 * Structured logs (pino) go to stderr so stdout stays for command output (URLs, JSON, tables). On a
 * terminal they are printed as readable lines (pino-pretty); in pipes and files they stay JSON.
 */
import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export function createLogger(level = 'info', name = 'countrycite'): Logger {
  const options = { name, level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  if (process.stderr.isTTY) {
    return pino(
      options,
      pretty({ destination: 2, sync: true, colorize: true, ignore: 'name', translateTime: 'HH:MM:ss' }),
    );
  }
  return pino(options, pino.destination(2));
}

/** A logger that drops everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
