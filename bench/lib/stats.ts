/** One measured run of a stage. */
export interface Sample {
  seconds: number;
  rows: number;
  bytes: number;
}

export interface StageResult {
  stage: string;
  scale: number;
  repeats: number;
  /** Medians over the repeats. */
  seconds: number;
  rows: number;
  rowsPerSecond: number;
  mbPerSecond: number | null;
  samples: Sample[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(stage: string, scale: number, samples: Sample[]): StageResult {
  const seconds = median(samples.map((s) => s.seconds));
  const rows = median(samples.map((s) => s.rows));
  const bytes = median(samples.map((s) => s.bytes));
  return {
    stage,
    scale,
    repeats: samples.length,
    seconds,
    rows,
    rowsPerSecond: median(samples.map((s) => s.rows / s.seconds)),
    mbPerSecond: bytes > 0 ? median(samples.map((s) => s.bytes / 1e6 / s.seconds)) : null,
    samples,
  };
}

export async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, value };
}
