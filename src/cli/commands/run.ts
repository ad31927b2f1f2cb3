import type { IncidentChange } from '../../core/loop/agent-api';
import { safe } from '../format/report-text';
import type { Io } from '../io';
import { openAgent } from '../open-agent';
import { configFrom, dataDir, LOOP_FLAGS_HELP, LOOP_OPTIONS, parse, stateDirOf } from '../options';
import { UsageError } from '../usage-error';
import { startDashboard } from './run-dashboard';

export const RUN_USAGE = `Usage: cosmos run DIR [--port N [--host H --allow-remote]] [--verbose] [loop options]

Watches DIR and re-observes incrementally as event and ticket files grow (NDJSON is tailed by
byte offset; JSON arrays are re-read and de-duplicated by id). Prints every change of an incident.
Ctrl-C stops cleanly (the journal and the snapshot are flushed).

  --port N        also serve the dashboard at http://127.0.0.1:N (token printed below)
  --host H        bind address for the dashboard (default 127.0.0.1)
  --allow-remote  required to bind anything but loopback (the dashboard can approve actions)
  --verbose       log every loop step to stderr

${LOOP_FLAGS_HELP}`;

export async function runCommand(args: readonly string[], io: Io, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parse(
    args,
    { ...LOOP_OPTIONS, port: { type: 'string' }, host: { type: 'string' }, 'allow-remote': { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' } },
    RUN_USAGE,
  );
  if (values.help) {
    io.out(RUN_USAGE);
    return 0;
  }
  const dir = dataDir(positionals[0], RUN_USAGE);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new UsageError(`--port must be a port number (got ${JSON.stringify(values.port)})`, RUN_USAGE);
  }
  const config = configFrom(values, RUN_USAGE);
  const { agent } = await openAgent(io, {
    dir,
    stateDir: stateDirOf(values, dir),
    config,
    dryRun: values['dry-run'] === true,
    watch: true,
    verbose: values.verbose === true,
  });
  agent.onDidChangeIncidents((changes) => {
    for (const c of changes) io.out(describeChange(c));
  });
  agent.onDidChangeApprovals((approvals) => {
    const pending = approvals.filter((a) => a.status === 'pending').length;
    io.out(`${stamp()} approvals: ${pending} pending`);
  });

  let closeDashboard: (() => Promise<void>) | undefined;
  try {
    await agent.start();
    const st = agent.status();
    io.out(`${stamp()} watching ${dir} — ${st.openIncidents} open incident(s), ${st.pendingApprovals} pending approval(s); LLM: ${safe(st.llm.status)}. Ctrl-C to stop.`);
    if (port !== undefined) {
      const dash = await startDashboard(agent, { port, host: typeof values.host === 'string' ? values.host : undefined, allowRemote: values['allow-remote'] === true, io });
      closeDashboard = dash.close;
    }
    await waitForStop(signal);
    io.out(`${stamp()} stopping…`);
    return 0;
  } finally {
    await closeDashboard?.();
    await agent.stop();
    agent.dispose();
  }
}

function describeChange(c: IncidentChange): string {
  const i = c.incident;
  const cause = i.cause ? `${i.cause} (${(i.confidence ?? 0).toFixed(2)}, ${i.reasoningMode ?? 'deterministic'})` : 'observing';
  const acts = (i.decision?.actions ?? []).map((a) => `${a.type}:${a.status}`).join(', ');
  return `${stamp()} ${c.kind.padEnd(8)} ${i.id} ${safe(i.title)} — ${cause}; ${i.scope}, ${i.merchants.length} merchant(s), ${i.features.eventCount} events, ${i.features.ticketCount} tickets${acts ? ` — ${acts}` : ''}`;
}

function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

/** Resolves on Ctrl-C / SIGTERM (or the test's abort signal). */
function waitForStop(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (signal) {
      if (signal.aborted) done();
      else signal.addEventListener('abort', done, { once: true });
    }
  });
}
