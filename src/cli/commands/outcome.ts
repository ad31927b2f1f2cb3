import type { Outcome } from '../../core/loop/agent-api';
import type { Io } from '../io';
import { parse } from '../options';
import { UsageError } from '../usage-error';
import { replay } from './replay';
import { STATE_FLAGS_HELP, STATE_OPTIONS } from './state-options';

const OUTCOMES: readonly Outcome[] = ['resolved', 'false_positive', 'wrong_cause'];

export const OUTCOME_USAGE = `Usage: cosmos outcome INCIDENT resolved|false_positive|wrong_cause [--dir DIR] [--by NAME]

Records what really happened. Outcomes feed per-rule precision, and after three outcomes a rule's
confidence is calibrated (shown in the trace). resolved and false_positive close the incident; new
evidence reopens it.

${STATE_FLAGS_HELP}`;

export async function outcomeCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...STATE_OPTIONS, by: { type: 'string' } }, OUTCOME_USAGE);
  if (values.help) {
    io.out(OUTCOME_USAGE);
    return 0;
  }
  const [incidentId, outcome] = positionals;
  if (!incidentId) throw new UsageError('missing INCIDENT (e.g. INC-3)', OUTCOME_USAGE);
  if (!OUTCOMES.includes(outcome as Outcome)) throw new UsageError(`outcome must be one of ${OUTCOMES.join(', ')} (got ${JSON.stringify(outcome ?? '')})`, OUTCOME_USAGE);
  const { agent } = await replay(io, values, OUTCOME_USAGE);
  try {
    if (!agent.incident(incidentId)) {
      io.err(`cosmos: there is no incident ${incidentId} in this folder (see \`cosmos analyze\`)`);
      return 1;
    }
    await agent.recordOutcome(incidentId, outcome as Outcome, typeof values.by === 'string' ? values.by : `cli:${process.env.USER ?? 'user'}`);
    io.out(`recorded: ${incidentId} ${outcome}`);
    return 0;
  } finally {
    agent.dispose();
  }
}
