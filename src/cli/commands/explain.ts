import { formatIncident } from '../format/report-text';
import type { Io } from '../io';
import { parse } from '../options';
import { UsageError } from '../usage-error';
import { replay } from './replay';
import { STATE_FLAGS_HELP, STATE_OPTIONS } from './state-options';

export const EXPLAIN_USAGE = `Usage: cosmos explain INCIDENT [--prompt] [--json] [--dir DIR]

Prints an incident's full trace: what was observed, every hypothesis and the rule (or model) behind
it, every gate of the decision with its numbers, and the actions. --prompt prints exactly what was or
would be sent to the LLM (redacted, with ticket text fenced as data).

${STATE_FLAGS_HELP}`;

export async function explainCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...STATE_OPTIONS, prompt: { type: 'boolean' }, json: { type: 'boolean' } }, EXPLAIN_USAGE);
  if (values.help) {
    io.out(EXPLAIN_USAGE);
    return 0;
  }
  const id = positionals[0];
  if (!id) throw new UsageError('missing INCIDENT (e.g. INC-3)', EXPLAIN_USAGE);
  const { agent } = await replay(io, values, EXPLAIN_USAGE);
  try {
    const incident = agent.incident(id);
    if (!incident) {
      io.err(`cosmos: there is no incident ${id} in this folder (see \`cosmos analyze\`)`);
      return 1;
    }
    if (values.prompt) {
      const prompt = agent.promptFor(id) ?? '';
      if (!incident.ambiguity?.ambiguous) io.out(`(${id} is not ambiguous, so nothing is sent to the LLM; this is what it would be sent if it were.)\n`);
      io.out(prompt);
      return 0;
    }
    io.out(values.json ? JSON.stringify(incident, null, 2) : formatIncident(incident, { verbose: true }).join('\n'));
    return 0;
  } finally {
    agent.dispose();
  }
}
