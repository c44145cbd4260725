const TWO_PI = 2 * Math.PI;

/**
 * Wrap an angle to [−π, π) by floored modulo: wrap(a) = ((a + π) mod 2π) − π, with mod the floored one.
 *
 * Why floored: JavaScript's `%` truncates toward zero, so a negative a would land in (−3π, π); flooring keeps
 * every result in the half-open interval the measurement-model contract promises.
 */
export function wrapAngle(a: number): number {
  const s = a + Math.PI;
  let m = s - TWO_PI * Math.floor(s / TWO_PI);
  // Rounding can land a tiny negative s exactly on 2π; fold it back so the interval stays half-open.
  if (m >= TWO_PI) m -= TWO_PI;
  return m - Math.PI;
}
