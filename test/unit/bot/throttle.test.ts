import { throttle } from '../../../src/bot/shared/throttle';

describe('throttle', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('passes the first call, then only the latest value per interval', () => {
    const seen: number[] = [];
    const update = throttle((n: number) => seen.push(n), 1000);
    update(1);
    update(2);
    update(3);
    expect(seen).toEqual([1]);
    jest.advanceTimersByTime(1000);
    expect(seen).toEqual([1, 3]);
    jest.advanceTimersByTime(5000);
    update(4);
    expect(seen).toEqual([1, 3, 4]);
  });

  it('drops a pending update when cancelled', () => {
    const seen: number[] = [];
    const update = throttle((n: number) => seen.push(n), 1000);
    update(1);
    update(2);
    update.cancel();
    jest.advanceTimersByTime(2000);
    expect(seen).toEqual([1]);
  });
});
