import { describe, expect, test } from "@jest/globals";
import { backoffDelayMs, defaultBackoff } from "../src/routes/backoff-schedule.ts";
import { signBody, verifySignature } from "../src/routes/hmac-signature.ts";
import { RetryQueue } from "../src/routes/retry-queue.ts";

describe("HMAC signature", () => {
  test("is sha256= + hex HMAC-SHA256 of the exact body (RFC 4231 test case 2)", () => {
    // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
    expect(signBody("what do ya want for nothing?", "Jefe")).toBe(
      "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  test("verifies only the same body with the same secret", () => {
    const body = JSON.stringify({ alerts: [{ fingerprint: "f" }] });
    const header = signBody(body, "s3cret");
    expect(verifySignature(body, "s3cret", header)).toBe(true);
    expect(verifySignature(`${body} `, "s3cret", header)).toBe(false);
    expect(verifySignature(body, "other", header)).toBe(false);
    expect(verifySignature(body, "s3cret", undefined)).toBe(false);
    expect(verifySignature(body, "s3cret", "sha256=00")).toBe(false);
  });
});

describe("backoff schedule", () => {
  test("doubles from the initial delay up to the cap; jitter only shortens", () => {
    const noJitter = { ...defaultBackoff, jitter: 0 };
    expect([1, 2, 3, 4, 5, 8, 20].map((a) => backoffDelayMs(a, noJitter))).toEqual([
      500, 1000, 2000, 4000, 8000, 60000, 60000,
    ]);
    expect(backoffDelayMs(3, defaultBackoff, () => 0.5)).toBe(1800); // 2000 · (1 − 0.2 · 0.5)
    expect(backoffDelayMs(3, defaultBackoff, () => 0.999999)).toBe(1600);
    for (let a = 1; a < 30; a++) {
      const d = backoffDelayMs(a, defaultBackoff);
      expect(d).toBeLessThanOrEqual(defaultBackoff.maxMs);
      expect(d).toBeGreaterThanOrEqual(Math.min(defaultBackoff.maxMs, 500 * 2 ** (a - 1)) * 0.8 - 1);
    }
  });
});

describe("RetryQueue", () => {
  const fast = { initialMs: 1, maxMs: 5, multiplier: 2, jitter: 0 };

  test("retries a failing receiver in order until it recovers, reporting failures and retries", async () => {
    const delivered: number[] = [];
    let failuresLeft = 3;
    const counts = { failed: 0, retried: 0, sent: 0 };
    const queue = new RetryQueue<number>({
      capacity: 10,
      maxBatch: 2,
      backoff: fast,
      send: async (batch) => {
        if (failuresLeft-- > 0) throw new Error("receiver down");
        delivered.push(...batch);
      },
      events: {
        failed: () => counts.failed++,
        retried: () => counts.retried++,
        sent: (n) => {
          counts.sent += n;
        },
      },
    });
    const outcomes: string[] = [];
    for (let i = 1; i <= 5; i++) queue.offer({ payload: i, onSettled: (o) => outcomes.push(`${i}:${o}`) });
    await queue.idle();
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    expect(counts).toEqual({ failed: 3, retried: 3, sent: 5 });
    expect(outcomes.sort()).toEqual(["1:delivered", "2:delivered", "3:delivered", "4:delivered", "5:delivered"]);
  });

  test("drops (and reports) only beyond its capacity; coalesces waiting items with the same key", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const delivered: string[] = [];
    let dropped = 0;
    const queue = new RetryQueue<string>({
      capacity: 2,
      maxBatch: 10,
      backoff: fast,
      send: async (batch) => {
        await gate;
        delivered.push(...batch);
      },
      events: { dropped: () => dropped++ },
    });
    const outcomes: string[] = [];
    const offer = (payload: string, coalesceKey?: string) =>
      queue.offer({
        payload,
        ...(coalesceKey === undefined ? {} : { coalesceKey }),
        onSettled: (o) => outcomes.push(`${payload}:${o}`),
      });
    expect(offer("a")).toBe(true); // taken in flight at once
    await Promise.resolve();
    expect(offer("b1", "b")).toBe(true);
    expect(offer("c")).toBe(true);
    expect(offer("b2", "b")).toBe(true); // replaces b1, no room needed
    expect(offer("d")).toBe(false); // full
    expect(dropped).toBe(1);
    release();
    await queue.idle();
    expect(delivered).toEqual(["a", "b2", "c"]);
    expect(outcomes.sort()).toEqual(["a:delivered", "b1:replaced", "b2:delivered", "c:delivered", "d:dropped"]);
  });
});
