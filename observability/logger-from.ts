import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';

/** Temporal's Logger interface over one function: every level method calls `write`. */
export function loggerFrom(write: (level: LogLevel, message: string, meta?: LogMetadata) => void): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, meta?: LogMetadata): void => {
      write(level, message, meta);
    };
  return {
    log: (level, message, meta) => write(level, message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}
