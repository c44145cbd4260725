/**
 * The plain-C reference's generator, bit for bit: xoshiro256+ seeded by splitmix64, 53-bit uniforms and
 * Box–Muller pairs (`rng_seed`, `xo_next`, `u01`, `gauss2` in ../shared/bench-ref/ref.c).
 *
 * Why: the benchmark must filter exactly the measurements the C reference filters, so that the Gaussian
 * filters' checksums can be compared digit by digit. It runs only outside the timed loops (BigInt is slow).
 */
export class ReferenceRng {
  private readonly s: bigint[] = [0n, 0n, 0n, 0n];

  constructor(seed: number) {
    let x = BigInt(seed);
    for (let i = 0; i < 4; i++) {
      x = BigInt.asUintN(64, x + 0x9e3779b97f4a7c15n);
      let z = x;
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
      this.s[i] = z ^ (z >> 31n);
    }
  }

  /** Next 64-bit output of xoshiro256+: s0 + s3. */
  next(): bigint {
    const s = this.s as [bigint, bigint, bigint, bigint];
    const result = BigInt.asUintN(64, s[0] + s[3]);
    const t = BigInt.asUintN(64, s[1] << 17n);
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = BigInt.asUintN(64, (s[3] << 45n) | (s[3] >> 19n));
    return result;
  }

  /** Uniform in [0, 1) from the top 53 bits. */
  u01(): number {
    return Number(this.next() >> 11n) * (1 / 9007199254740992);
  }

  /** Two independent standard normals (Box–Muller: a = r cos θ, b = r sin θ, r = √(−2 ln u₁), θ = 2π u₂). */
  gauss2(): [number, number] {
    const u1 = 1 - this.u01();
    const u2 = this.u01();
    const rad = Math.sqrt(-2 * Math.log(u1));
    const th = 2 * Math.PI * u2; // = TWO_PI_D of ref.c, exactly
    return [rad * Math.cos(th), rad * Math.sin(th)];
  }
}
