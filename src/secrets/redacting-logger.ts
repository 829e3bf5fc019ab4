// The worker's Runtime logger: every SDK, activity and workflow log line passes through redact() before the
// DefaultLogger formats it, so a secret that reaches a log message or its metadata never reaches stderr.
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { redact, redactValue } from './redact';

const SEVERITIES: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export class RedactingLogger implements Logger {
  private readonly minSeverity: number;

  /** `level`: lines below it are dropped before any redaction work (the inner logger would drop them anyway). */
  constructor(
    private readonly inner: Logger,
    level: LogLevel = 'TRACE',
  ) {
    this.minSeverity = SEVERITIES.indexOf(level);
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (SEVERITIES.indexOf(level) < this.minSeverity) return;
    this.inner.log(level, redact(message), meta === undefined ? undefined : (redactValue(meta) as LogMetadata));
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
