import { Backoff } from './backoff';

describe('Backoff', () => {
  const policy = { firstMs: 250, maxMs: 2000, resetAfterMs: 10_000 };
  let now = 0;
  const backoff = () => new Backoff(policy, () => now);

  beforeEach(() => (now = 0));

  it('doubles the delay for each exit in a row, up to the ceiling', () => {
    const b = backoff();
    const delays = [1, 2, 3, 4, 5, 6].map(() => {
      b.started();
      now += 100;
      return b.nextDelay();
    });
    expect(delays).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  });

  it('starts over once the process stayed up long enough', () => {
    const b = backoff();
    b.nextDelay();
    b.nextDelay();
    b.started();
    now += 10_000;
    expect(b.nextDelay()).toBe(250);
  });
});
