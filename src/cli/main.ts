import { analyzeCommand, ANALYZE_USAGE } from './commands/analyze';
import { approvalsCommand } from './commands/approvals';
import { auditCommand } from './commands/audit';
import { evalCommand } from './commands/eval';
import { explainCommand } from './commands/explain';
import { generateCommand } from './commands/generate';
import { outcomeCommand } from './commands/outcome';
import { runCommand } from './commands/run';
import { processIo, type Io } from './io';
import { InputError, UsageError } from './usage-error';

export const MAIN_USAGE = `COSMOS — self-healing support for headless e-commerce migrations

Usage: cosmos <command> [options]   (cosmos <command> --help for details)

  analyze DIR            one Observe → Reason → Decide → Act pass over DIR's event and ticket files
  run DIR [--port N]     watch DIR and act as files grow; optional dashboard in the browser
  generate --scenario S  write a synthetic scenario (+ expected.json ground truth)
  eval DIR               score the diagnosis against DIR/expected.json
  approvals list|approve ID|reject ID
  outcome INCIDENT resolved|false_positive|wrong_cause
  explain INCIDENT [--prompt]
  audit verify|export

Exit codes: 0 success, 1 unreadable input or a failed check, 2 usage error.`;

type Command = (args: readonly string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  analyze: analyzeCommand,
  run: (args, io) => runCommand(args, io),
  generate: generateCommand,
  eval: evalCommand,
  approvals: approvalsCommand,
  outcome: outcomeCommand,
  explain: explainCommand,
  audit: auditCommand,
};

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    io.out(process.env.COSMOS_VERSION ?? '0.1.0');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`cosmos: unknown command "${name}"\n\n${MAIN_USAGE}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`cosmos ${name}: ${err.message}\n\n${err.usage}`);
      return 2;
    }
    if (err instanceof InputError) {
      io.err(`cosmos ${name}: ${err.message}`);
      return 1;
    }
    const e = err as NodeJS.ErrnoException;
    if (e && (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR')) {
      io.err(`cosmos ${name}: cannot read ${e.path ?? 'input'}: ${e.code}`);
      return 1;
    }
    io.err(`cosmos ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

// Run when bundled as dist/cli.js or executed directly; stay importable from tests.
if (require.main === module || process.env.COSMOS_CLI_MAIN === '1') {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

export { ANALYZE_USAGE };
