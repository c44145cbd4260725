import { describe, expect, test } from "@jest/globals";
import { DedupWindow, StateJournal, TokenBucketLimiter } from "../src/validation/index.ts";

describe("dedup window", () => {
  test("a key is a duplicate until windowMs after it was accepted", () => {
    const w = new DedupWindow(1000, 100);
    w.add("a", 0);
    expect(w.has("a", 0)).toBe(true);
    expect(w.has("a", 999)).toBe(true);
    expect(w.has("a", 1000)).toBe(false);
    expect(w.has("b", 0)).toBe(false);
  });

  test("memory is bounded: the oldest keys are forgotten first", () => {
    const w = new DedupWindow(1e9, 3);
    for (const k of ["a", "b", "c", "d"]) w.add(k, 0);
    expect(w.size).toBe(3);
    expect(w.has("a", 0)).toBe(false);
    expect(w.has("d", 0)).toBe(true);
    // re-adding refreshes a key's place
    w.add("b", 1);
    w.add("e", 1);
    expect(w.has("b", 1)).toBe(true);
    expect(w.has("c", 1)).toBe(false);
  });

  test("expired keys are evicted as time moves on", () => {
    const w = new DedupWindow(10, 1000);
    for (let i = 0; i < 100; i++) w.add(`k${i}`, i);
    expect(w.size).toBeLessThanOrEqual(11);
  });

  test("a journal rollback removes added keys and restores refreshed ones", () => {
    const w = new DedupWindow(100, 10);
    w.add("old", 0);
    const j = new StateJournal();
    w.add("new", 50, j);
    w.add("old", 50, j);
    j.rollback();
    expect(w.has("new", 50)).toBe(false);
    expect(w.has("old", 99)).toBe(true);
    expect(w.has("old", 100)).toBe(false);
  });
});

describe("token bucket limiter (event time)", () => {
  test("burst back to back, then perSecond sustained", () => {
    const l = new TokenBucketLimiter(100);
    const take = (t: number) => l.tryTake("s", t, 2, 3);
    expect([take(0), take(0), take(0), take(0)]).toEqual([true, true, true, false]);
    expect(take(499)).toBe(false); // 0.998 tokens
    expect(take(500)).toBe(true); // 1 token after 500 ms at 2/s
    expect(take(10_000)).toBe(true); // refill capped at burst 3
    expect(take(10_000)).toBe(true);
    expect(take(10_000)).toBe(true);
    expect(take(10_000)).toBe(false);
  });

  test("event time going backwards refills nothing", () => {
    const l = new TokenBucketLimiter(100);
    expect(l.tryTake("s", 1000, 1, 1)).toBe(true);
    expect(l.tryTake("s", 0, 1, 1)).toBe(false);
    expect(l.tryTake("s", 1500, 1, 1)).toBe(false);
    expect(l.tryTake("s", 2000, 1, 1)).toBe(true);
  });

  test("verdicts depend only on the order and event times of the input", () => {
    const events = [...Array(500).keys()].map((i) => ({ key: `s${i % 7}`, t: Math.floor(i * 37.3) % 2000 }));
    const run = () => {
      const l = new TokenBucketLimiter(100);
      return events.map((e) => l.tryTake(e.key, e.t, 5, 2));
    };
    expect(run()).toEqual(run());
  });

  test("at most maxKeys buckets; the least recently used is evicted", () => {
    const l = new TokenBucketLimiter(2);
    l.tryTake("a", 0, 1, 1);
    l.tryTake("b", 0, 1, 1);
    l.tryTake("a", 0, 1, 1); // a used last
    l.tryTake("c", 0, 1, 1); // evicts b
    expect(l.size).toBe(2);
    expect(l.tryTake("a", 0, 1, 1)).toBe(false); // a kept its empty bucket
    expect(l.tryTake("b", 0, 1, 1)).toBe(true); // b starts afresh
  });

  test("a journal rollback restores the buckets", () => {
    const l = new TokenBucketLimiter(10);
    const j = new StateJournal();
    expect(l.tryTake("s", 0, 1, 1, j)).toBe(true);
    expect(l.tryTake("s", 0, 1, 1, j)).toBe(false);
    j.rollback();
    expect(l.size).toBe(0);
    expect(l.tryTake("s", 0, 1, 1)).toBe(true);
  });
});
