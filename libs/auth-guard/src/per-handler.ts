import type { ExecutionContext } from '@nestjs/common';

export type HandlerTargets = [
  ReturnType<ExecutionContext['getHandler']>,
  ReturnType<ExecutionContext['getClass']>,
];

/**
 * What a guard reads from decorator metadata, worked out once per route: metadata never
 * changes after start, and Reflector lookups on every request are a measurable part of a
 * guard's cost. Keyed by class, then handler: an inherited handler may be decorated
 * differently in each subclass.
 */
export class PerHandler<T> {
  private readonly byClass = new WeakMap<object, WeakMap<object, T>>();

  constructor(private readonly compute: (targets: HandlerTargets) => T) {}

  get(context: ExecutionContext): T {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.byClass.get(controller);
    if (byHandler === undefined) {
      byHandler = new WeakMap();
      this.byClass.set(controller, byHandler);
    }
    let value = byHandler.get(handler);
    if (value === undefined) {
      value = this.compute([handler, controller]);
      byHandler.set(handler, value);
    }
    return value;
  }
}
