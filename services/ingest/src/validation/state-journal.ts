/**
 * An undo log of the deduplication and rate-limit state changed while validating one batch.
 *
 * Why: a batch is one Kafka transaction. When the transaction aborts, its input is read again; without undoing
 * the state, the replayed readings would be judged against their own first attempt (DUPLICATE, RATE_LIMITED).
 * `rollback()` restores every entry the batch added or changed (evictions only forget, and are not undone);
 * `commit()` forgets the log.
 */
export class StateJournal {
  readonly #undo: Array<() => void> = [];

  /** Registers how to undo one change (called by the state holders, newest last). */
  record(undo: () => void): void {
    this.#undo.push(undo);
  }

  /** Keeps the changes. */
  commit(): void {
    this.#undo.length = 0;
  }

  /** Undoes every recorded change, newest first. */
  rollback(): void {
    for (let i = this.#undo.length - 1; i >= 0; i--) this.#undo[i]!();
    this.#undo.length = 0;
  }

  /** Number of changes recorded since the last commit or rollback. */
  get size(): number {
    return this.#undo.length;
  }
}
