import { Subject } from 'rxjs';
import type { CloseEvent, Command } from 'concurrently';
import { RestartWithBackoff } from './restart-with-backoff';

/** Just enough of concurrently's Command: start() reports on the command's own subjects. */
class FakeCommand {
  readonly close = new Subject<CloseEvent>();
  readonly stateChange = new Subject<string>();
  name = 'catalog';
  starts = 0;
  start(): void {
    this.starts += 1;
    this.stateChange.next('started');
  }
  exit(): void {
    this.close.next({ exitCode: 'SIGKILL' } as unknown as CloseEvent);
  }
}

describe('RestartWithBackoff', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function supervised() {
    const restarts: number[] = [];
    const controller = new RestartWithBackoff((_c, delay) => restarts.push(delay), {
      firstMs: 100,
      maxMs: 1000,
      resetAfterMs: 10_000,
    });
    const fake = new FakeCommand();
    const [command] = controller.handle([fake as unknown as Command]).commands;
    const finals: CloseEvent[] = [];
    command.close.subscribe((event) => finals.push(event));
    return { controller, fake, command, restarts, finals };
  }

  it('starts a command that exited again after the backoff, and hides that exit from the result', () => {
    const { fake, command, restarts, finals } = supervised();
    command.start();
    fake.exit();
    expect(restarts).toEqual([100]);
    jest.advanceTimersByTime(99);
    expect(fake.starts).toBe(1);
    jest.advanceTimersByTime(1);
    expect({ starts: fake.starts, finals: finals.length }).toEqual({ starts: 2, finals: 0 });
    fake.exit();
    expect(restarts).toEqual([100, 200]);
  });

  it('runs methods called through it on the command itself, so its exits are still watched', () => {
    const { fake, command, restarts } = supervised();
    command.start();
    fake.exit();
    jest.advanceTimersByTime(100);
    (command as unknown as FakeCommand).exit();
    expect(restarts).toEqual([100, 200]);
  });

  it('passes exits on once stopped, and counts a command waiting for its restart as exited', () => {
    const { controller, fake, command, finals } = supervised();
    command.start();
    fake.exit();
    controller.stop();
    jest.advanceTimersByTime(10_000);
    expect({ starts: fake.starts, finals: finals.length }).toEqual({ starts: 1, finals: 1 });
  });
});
