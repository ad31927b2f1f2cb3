/**
 * The shape every area of the reliability suite reports in, and the helpers the areas share. A figure is one
 * promise of issue 8 as a number: what was measured, the target it must meet, whether it did, and the exact
 * command that reproduces it (so docs/reliability.md can be re-derived by anyone).
 */
export interface Figure {
  readonly area: string;
  readonly name: string;
  readonly value: string | number;
  readonly target: string;
  readonly pass: boolean;
  readonly command: string;
  readonly details?: string;
}

export interface RunOptions {
  readonly quick: boolean;
}

export type AreaRun = (opts: RunOptions) => Promise<Figure[]>;

/** The command that re-runs one area alone, in the same mode. */
export function areaCommand(area: string, quick: boolean): string {
  return `node --import tsx test/reliability/run.ts --only ${area}${quick ? ' --quick' : ''}`;
}

/** Figures of one area share its name and command. */
export function figureMaker(area: string, command: string) {
  return (name: string, value: string | number, target: string, pass: boolean, details?: string): Figure => ({
    area,
    name,
    value,
    target,
    pass,
    command,
    ...(details ? { details } : {}),
  });
}

/** Keeps the first few examples of a problem for the details column, and counts all of them. */
export class Examples {
  count = 0;
  readonly samples: string[] = [];
  constructor(private readonly keep = 3) {}
  add(example: string): void {
    this.count++;
    if (this.samples.length < this.keep) this.samples.push(example.length > 300 ? `${example.slice(0, 300)}…` : example);
  }
  text(): string | undefined {
    return this.samples.length ? this.samples.join(' | ') : undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function seconds(since: number): number {
  return Math.round((Date.now() - since) / 100) / 10;
}
