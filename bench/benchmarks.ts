import { activationBench } from './activation.bench';
import { dashboardBench } from './dashboard.bench';
import { incrementalBench } from './incremental.bench';
import { ingestBench } from './ingest.bench';
import { journalBench } from './journal.bench';
import { latencyBench } from './latency.bench';
import { llmBench } from './llm.bench';
import { memoryBench } from './memory.bench';
import type { Benchmark } from './lib/report';

/** Every benchmark of issue 7, in the order `npm run bench` runs them. */
export const BENCHMARKS: readonly Benchmark[] = [ingestBench, incrementalBench, latencyBench, memoryBench, journalBench, activationBench, llmBench, dashboardBench];
