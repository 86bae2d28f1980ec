import pino, {
  type DestinationStream,
  type Logger,
  type LevelWithSilent,
  type LoggerOptions as PinoOptions,
} from 'pino';

export type { Logger };

// Personal data and credentials never reach a log line: these keys are censored at any of the first
// three levels of a logged object (fast-redact has no recursive wildcard).
const SENSITIVE_KEYS = ['authorization', 'holder', 'name', 'email'];
export const REDACT_PATHS = SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** The process's role (api, worker), on every line. */
  service?: string;
  /** Where the JSON lines go: stdout unless a test captures them. */
  destination?: DestinationStream;
}

/** The one logger factory: JSON lines with ISO time, sensitive keys redacted. */
export function createLogger({ level = 'info', service, destination }: LoggerOptions = {}): Logger {
  const options: PinoOptions = {
    level,
    base: service ? { service } : {},
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // The error serializer names the class as `type`, which the `name` redaction leaves alone.
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}
