import { afterEach, describe, expect, it, vi } from 'vitest';

// The limits' messages are made when their modules load, in the main thread and in every parse
// worker: made with toLocaleString they started ICU's number formatting there (~12 ms a thread).
describe('modules the parse workers load', () => {
  const toLocaleString = Number.prototype.toLocaleString;
  const NumberFormat = Intl.NumberFormat;
  afterEach(() => {
    Number.prototype.toLocaleString = toLocaleString;
    Intl.NumberFormat = NumberFormat;
  });

  it('format no number through ICU when they load, and their messages still group digits', async () => {
    vi.resetModules();
    const used: string[] = [];
    Number.prototype.toLocaleString = function (this: number) {
      used.push(`toLocaleString(${String(this)})`);
      return toLocaleString.call(this);
    };
    Intl.NumberFormat = function (...args: ConstructorParameters<typeof NumberFormat>) {
      used.push('Intl.NumberFormat');
      return new NumberFormat(...args);
    } as unknown as typeof Intl.NumberFormat;
    const normalize = await import('../../src/cloudtrail/normalize.js');
    const parseLog = await import('../../src/collect/parse-log.js');
    expect(used).toEqual([]);
    expect(normalize.TOO_WIDE).toContain('10,000');
    expect(parseLog.TOO_LARGE).toMatch(/larger than [\d,]+ MB/);
  });
});
