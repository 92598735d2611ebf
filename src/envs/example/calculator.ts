// A small, safe arithmetic evaluator for the `calculator` tool: numbers, + - * /, unary
// minus and parentheses. A recursive-descent parser, never eval.

export class CalculatorError extends Error {
  override name = 'CalculatorError';
}

export function evaluate(expression: string): number {
  if (expression.length > 500) throw new CalculatorError('expression is too long (at most 500 characters)');
  let pos = 0;
  const peek = () => {
    while (expression[pos] === ' ') pos++;
    return expression[pos];
  };
  const fail = (what: string): never => {
    throw new CalculatorError(`${what} at position ${pos + 1} of ${JSON.stringify(expression)}`);
  };

  const sum = (): number => {
    let v = product();
    for (let c = peek(); c === '+' || c === '-'; c = peek()) {
      pos++;
      v = c === '+' ? v + product() : v - product();
    }
    return v;
  };
  const product = (): number => {
    let v = unary();
    for (let c = peek(); c === '*' || c === '/' || c === '×' || c === '÷'; c = peek()) {
      pos++;
      const r = unary();
      if (c === '*' || c === '×') v *= r;
      else {
        if (r === 0) throw new CalculatorError('division by zero');
        v /= r;
      }
    }
    return v;
  };
  const unary = (): number => {
    const c = peek();
    if (c === '-') {
      pos++;
      return -unary();
    }
    if (c === '+') {
      pos++;
      return unary();
    }
    return atom();
  };
  const atom = (): number => {
    const c = peek();
    if (c === '(') {
      pos++;
      const v = sum();
      if (peek() !== ')') fail('expected ")"');
      pos++;
      return v;
    }
    const m = /^(\d[\d,_]*(\.\d+)?|\.\d+)([eE][+-]?\d+)?/.exec(expression.slice(pos));
    if (!m) return c === undefined ? fail('unexpected end') : fail(`unexpected ${JSON.stringify(c)}`);
    pos += m[0].length;
    return Number(m[0].replace(/[,_]/g, ''));
  };

  const value = sum();
  if (peek() !== undefined) fail(`unexpected ${JSON.stringify(peek())}`);
  if (!Number.isFinite(value)) throw new CalculatorError('result is not a finite number');
  return value;
}

/** Integers print exactly; other values with 12 significant digits. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 53) return String(v);
  return String(Number(v.toPrecision(12)));
}
