// How long starting a ping child costs, learnt from echo replies (child time minus the RTT ping
// printed) and subtracted from the times of lines that carry no RTT.

/** Rolling median of spawn overhead samples, in ms. */
export class OverheadEstimate {
  readonly #samples: number[] = [];
  constructor(readonly size = 31) {}

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.#samples.push(ms);
    if (this.#samples.length > this.size) this.#samples.shift();
  }

  get count(): number {
    return this.#samples.length;
  }

  /** Median overhead in ms; null before the first sample. */
  get ms(): number | null {
    if (this.#samples.length === 0) return null;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
