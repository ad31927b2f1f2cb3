import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeScenario } from '../../src/adapters/node/scenario-writer';
import type { ScenarioName } from '../../src/core/generate/scenarios';

export interface Dataset {
  readonly dir: string;
  readonly events: string;
  readonly tickets: string;
  readonly eventCount: number;
  readonly ticketCount: number;
  readonly bytes: number;
}

/**
 * A generated NDJSON scenario in bench/.tmp, made once with the streaming generator (`cosmos generate`'s code) and
 * reused while the options are the same: a marker file written last records them, so a half-written folder (the
 * run was stopped) is regenerated.
 */
export async function ensureScenario(tmp: string, scenario: ScenarioName, events: number, seed = 1): Promise<Dataset> {
  const dir = path.join(tmp, `${scenario}-${events}-s${seed}`);
  const marker = path.join(dir, 'bench-dataset.json');
  const want = { scenario, events, seed, format: 'ndjson' };
  let info: { eventCount: number; ticketCount: number } | undefined;
  if (existsSync(marker)) {
    const had = JSON.parse(readFileSync(marker, 'utf8')) as typeof want & { eventCount: number; ticketCount: number };
    if (had.scenario === scenario && had.events === events && had.seed === seed) info = had;
  }
  if (!info) {
    rmSync(dir, { recursive: true, force: true });
    const written = await writeScenario(dir, { scenario, seed, events, format: 'ndjson' });
    // expected.json is ground truth for `cosmos eval`, not a data source: keep it out of the folder the loop reads.
    rmSync(written.files.expected, { force: true });
    info = { eventCount: written.truth.events, ticketCount: written.truth.tickets };
    writeFileSync(marker, JSON.stringify({ ...want, ...info }));
  }
  const eventsFile = path.join(dir, 'events.ndjson');
  const ticketsFile = path.join(dir, 'tickets.ndjson');
  return {
    dir,
    events: eventsFile,
    tickets: ticketsFile,
    eventCount: info.eventCount,
    ticketCount: info.ticketCount,
    bytes: statSync(eventsFile).size + statSync(ticketsFile).size,
  };
}
