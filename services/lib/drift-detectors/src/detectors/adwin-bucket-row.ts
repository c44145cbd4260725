/**
 * One row of ADWIN's exponential histogram: up to `maxBuckets + 1` buckets that each summarize 2^row
 * samples by their total and their variance sum (Σ(x − x̄)² within the bucket), oldest first.
 *
 * Mirrors River's `Bucket` (adwin_c.pyx): fixed arrays, a fill count, and `compress(n)` shifting the
 * remaining buckets left and zeroing the freed tail.
 */
export class AdwinBucketRow {
  readonly total: Float64Array;
  readonly variance: Float64Array;
  count = 0;

  constructor(maxBuckets: number) {
    this.total = new Float64Array(maxBuckets + 1);
    this.variance = new Float64Array(maxBuckets + 1);
  }

  /** Appends a bucket with the given total and variance sum. */
  insert(total: number, variance: number): void {
    this.total[this.count] = total;
    this.variance[this.count] = variance;
    this.count++;
  }

  /** Drops the `n` oldest buckets. */
  compress(n: number): void {
    const len = this.total.length;
    for (let i = n; i < len; i++) {
      this.total[i - n] = this.total[i]!;
      this.variance[i - n] = this.variance[i]!;
    }
    for (let i = len - n; i < len; i++) {
      this.total[i] = 0;
      this.variance[i] = 0;
    }
    this.count -= n;
  }
}
