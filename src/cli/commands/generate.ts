import * as path from 'node:path';
import { writeScenario } from '../../adapters/node/scenario-writer';
import { listScenarios } from '../../core/generate/generate';
import type { ScenarioName } from '../../core/generate/scenarios';
import type { Io } from '../io';
import { parse } from '../options';
import { UsageError } from '../usage-error';

export const GENERATE_USAGE = `Usage: cosmos generate --scenario NAME --out DIR [--seed N] [--events N] [--format json|ndjson]

Writes a deterministic synthetic migration scenario: DIR/events.<fmt>, DIR/tickets.<fmt> and
DIR/expected.json (the ground-truth incidents that \`cosmos eval DIR\` scores against). Streams, so
--events 1000000 never holds the events in memory.

  --scenario NAME   ${listScenarios().join(', ')}
  --out DIR         output folder (created if missing)
  --seed N          PRNG seed (default 1): same seed ⇒ identical files
  --events N        total events (bursts are always complete; background noise fills the rest)
  --format F        json (a JSON array, the prototype's format) or ndjson (default json)`;

export async function generateCommand(args: readonly string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      scenario: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      events: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    GENERATE_USAGE,
  );
  if (values.help) {
    io.out(GENERATE_USAGE);
    return 0;
  }
  const scenario = values.scenario;
  if (typeof scenario !== 'string') throw new UsageError('missing --scenario', GENERATE_USAGE);
  if (!(listScenarios() as readonly string[]).includes(scenario)) {
    throw new UsageError(`unknown scenario "${scenario}" (known: ${listScenarios().join(', ')})`, GENERATE_USAGE);
  }
  if (typeof values.out !== 'string') throw new UsageError('missing --out DIR', GENERATE_USAGE);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer (got ${JSON.stringify(values.seed)})`, GENERATE_USAGE);
  const events = values.events === undefined ? undefined : Number(values.events);
  if (events !== undefined && (!Number.isInteger(events) || events < 0)) {
    throw new UsageError(`--events must be a non-negative integer (got ${JSON.stringify(values.events)})`, GENERATE_USAGE);
  }
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'ndjson') throw new UsageError(`--format must be json or ndjson (got ${JSON.stringify(format)})`, GENERATE_USAGE);

  const out = path.resolve(values.out);
  const written = await writeScenario(out, { scenario: scenario as ScenarioName, seed, events, format });
  io.out(
    `generated ${written.truth.scenario} (seed ${seed}): ${written.truth.events} events, ${written.truth.tickets} tickets, ` +
      `${written.truth.incidents.length} expected incident(s)\n  ${written.files.events}\n  ${written.files.tickets}\n  ${written.files.expected}`,
  );
  return 0;
}
