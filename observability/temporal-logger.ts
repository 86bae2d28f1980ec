import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import type { Logger } from './logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Temporal's Logger interface over pino, for `Runtime.install({ logger })`: SDK, workflow and
 * activity logs (with their workflowId, activityType… attributes) become the same JSON lines.
 *
 * Kept quiet at info: a multi-line message (the SDK logs webpack's whole bundle report when a worker
 * bundles its workflows; `Workflow bundle created` follows as the one-line summary) goes to debug, and
 * an activity's task token never reaches a line: it is a bearer credential for completing the
 * activity, and noise to anyone reading the logs.
 */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    // Temporal's meta may carry symbol keys and an `error` object; pino serializes `err`.
    const { error, taskToken: _taskToken, ...rest } = meta as Record<string, unknown>;
    const pinoLevel = level === 'INFO' && message.includes('\n') ? 'debug' : LEVELS[level];
    this.logger[pinoLevel](error === undefined ? rest : { ...rest, err: error }, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
