import { activationBench } from './activation.bench';
import { incrementalBench } from './incremental.bench';
import { ingestBench } from './ingest.bench';
import { journalBench } from './journal.bench';
import { llmBench } from './llm.bench';
import type { Benchmark } from './lib/report';

/** Every benchmark of issue 7, in the order `npm run bench` runs them. */
export const BENCHMARKS: readonly Benchmark[] = [ingestBench, incrementalBench, journalBench, activationBench, llmBench];
