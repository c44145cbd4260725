import { logGamma } from "./log-gamma.ts";

const EPS = 1e-16;
const TINY = 1e-300;

/**
 * Regularized lower and upper incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x).
 *
 * Series P(a,x) = e^{−x} x^a / Γ(a) · Σₙ xⁿ / (a(a+1)…(a+n)) for x < a + 1, else the continued fraction for
 * Q(a,x) evaluated by the modified Lentz method (Numerical Recipes 3rd ed., §6.2). Returns [P, Q] computed
 * so that the small one of the two is accurate to relative precision.
 */
export function regularizedGamma(a: number, x: number): [number, number] {
  if (x <= 0) return [0, 1];
  if (x === Number.POSITIVE_INFINITY) return [1, 0];
  const lnPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 10000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    const p = sum * Math.exp(lnPrefix);
    return [p, 1 - p];
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const q = Math.exp(lnPrefix) * h;
  return [1 - q, q];
}

/**
 * Inverse of the regularized lower incomplete gamma: x with P(a, x) = p.
 *
 * Initial guess and Halley iteration as in Numerical Recipes 3rd ed. (`invgammp`, after Temme/DiDonato);
 * the error is evaluated on the smaller tail (q − Q for p > ½) so upper quantiles keep full precision.
 */
export function inverseRegularizedGamma(p: number, a: number): number {
  if (!(a > 0) || !(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return 0;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const a1 = a - 1;
  const gln = logGamma(a);
  const lna1 = a > 1 ? Math.log(a1) : 0;
  const afac = a > 1 ? Math.exp(a1 * (lna1 - 1) - gln) : 0;
  let x: number;
  if (a > 1) {
    const pp = p < 0.5 ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(pp));
    x = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) x = -x;
    x = Math.max(1e-3, a * (1 - 1 / (9 * a) - x / (3 * Math.sqrt(a))) ** 3);
  } else {
    const t = 1 - a * (0.253 + a * 0.12);
    x = p < t ? (p / t) ** (1 / a) : 1 - Math.log(1 - (p - t) / (1 - t));
  }
  const q = 1 - p;
  for (let j = 0; j < 100; j++) {
    if (x <= 0) return 0;
    const [P, Q] = regularizedGamma(a, x);
    const err = p < 0.5 ? P - p : q - Q;
    const t = a > 1 ? afac * Math.exp(-(x - a1) + a1 * (Math.log(x) - lna1)) : Math.exp(-x + a1 * Math.log(x) - gln);
    const u = err / t;
    const step = u / (1 - 0.5 * Math.min(1, u * ((a - 1) / x - 1)));
    x -= step;
    if (x <= 0) x = 0.5 * (x + step);
    if (Math.abs(step) <= 1e-15 * x) break;
  }
  return x;
}
