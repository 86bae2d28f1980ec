import { formatCents, formatCeu, formatDollars, parseCeu, sumCeus } from '../../rules';

describe('money', () => {
  it.each([
    [12900, '$129.00'],
    [9900, '$99.00'],
    [5, '$0.05'],
    [0, '$0.00'],
    [123456789, '$1,234,567.89'],
    [-500, '-$5.00'],
  ])('when %p cents are formatted, then %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it('when whole dollars are formatted short, then the cents are dropped', () => {
    expect(formatDollars(9900)).toBe('$99');
    expect(formatDollars(17950)).toBe('$179.50');
  });

  it('when cents are not an integer, then formatCents throws a RangeError', () => {
    expect(() => formatCents(12.5)).toThrow(RangeError);
  });
});

describe('CEUs', () => {
  it.each([
    ['2', 200],
    ['2.0', 200],
    ['2.00', 200],
    ['0.10', 10],
    ['0.1', 10],
    ['1.95', 195],
    [' 0.5 ', 50],
    ['0', 0],
    [0.1, 10],
    [2, 200],
    [1.95, 195],
    [0.07, 7],
  ])('when %p is parsed, then it is %p hundredths', (input, expected) => {
    expect(parseCeu(input)).toBe(expected);
  });

  it.each([
    ['-1', /negative/],
    [-0.1, /negative/],
    ['0.105', /at most two decimals/],
    [0.105, /at most two decimals/],
    [0.1 + 0.2, /at most two decimals/],
    ['abc', /expected a non-negative decimal/],
    ['', /expected a non-negative decimal/],
    ['1e2', /expected a non-negative decimal/],
    ['.5', /expected a non-negative decimal/],
    [Number.NaN, /finite/],
    [Number.POSITIVE_INFINITY, /finite/],
  ])('when %p is parsed, then a RangeError says %p', (input, message) => {
    expect(() => parseCeu(input)).toThrow(RangeError);
    expect(() => parseCeu(input)).toThrow(message);
  });

  it.each([
    [10, '0.10'],
    [200, '2.00'],
    [5, '0.05'],
    [0, '0.00'],
    [1234, '12.34'],
  ])('when %p hundredths are formatted, then %s', (hundredths, text) => {
    expect(formatCeu(hundredths)).toBe(text);
  });

  it('when ten 0.10 CEU courses and 0.10 + 0.20 are summed, then the totals are exact', () => {
    const tenths = Array.from({ length: 10 }, () => parseCeu('0.10'));
    expect(sumCeus(tenths)).toBe(100);
    expect(formatCeu(sumCeus([parseCeu(0.1), parseCeu(0.2)]))).toBe('0.30');
    expect(sumCeus([{ units: 15 }, { units: 185 }])).toBe(200);
    expect(sumCeus([])).toBe(0);
  });

  it('when a CEU amount is not whole hundredths, then sumCeus throws', () => {
    expect(() => sumCeus([0.1])).toThrow(RangeError);
  });
});
