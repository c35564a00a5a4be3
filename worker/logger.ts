/** pino JSON logs for the worker; Temporal's own logs (SDK and Rust core) go through the same logger. */
import { DefaultLogger, LogLevel } from '@temporalio/worker';
import pino from 'pino';

export function createPinoLogger(level: string = process.env.CERTROLL_LOG_LEVEL ?? 'info'): pino.Logger {
  return pino({ level, base: { service: 'certroll-worker' } });
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export function temporalLoggerFor(logger: pino.Logger, level: LogLevel = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, (entry) => {
    logger[LEVELS[entry.level]]({ ...(entry.meta ?? {}) }, entry.message);
  });
}
