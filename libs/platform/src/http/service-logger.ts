import { ConsoleLogger } from '@nestjs/common';
import type { ConsoleLoggerOptions, LogLevel } from '@nestjs/common';
import { currentRequestId } from './request-context';

type JsonLogOptions = {
  context: string;
  logLevel: LogLevel;
  writeStreamType?: 'stdout' | 'stderr';
  errorStack?: unknown;
  params?: Record<string, unknown>;
  error?: Error;
};

/** Nest's console logger, with the service name and the current request id on every JSON line. */
export class ServiceLogger extends ConsoleLogger {
  constructor(
    private readonly service: string,
    options: ConsoleLoggerOptions,
  ) {
    super(options);
  }

  protected override getJsonLogObject(message: unknown, options: JsonLogOptions) {
    const entry = super.getJsonLogObject(message, options);
    entry.service = this.service;
    const requestId = currentRequestId();
    if (requestId) entry.requestId = requestId;
    return entry;
  }
}
