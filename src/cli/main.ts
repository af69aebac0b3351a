import { Command, CommanderError } from 'commander';
import { InputError } from '../load/problems.js';
import { VERSION } from '../version.js';
import { registerAudit } from './audit.js';
import { registerChecks } from './checks.js';
import { escapeControl } from '../report/escape.js';
import { registerHarden } from './harden.js';
import { EXIT, UsageError } from './io.js';
import { registerNetpol } from './netpol.js';
import { registerTransport } from './transport.js';
import { registerPki } from './pki.js';

/** Runs the command line and returns the exit code; the only code that handles argv and exit codes. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  let exitCode: number = EXIT.ok;
  const program = new Command('rampart')
    .description('audit and harden the security of a Helm-installed platform on Kubernetes')
    .version(VERSION)
    .option('--debug', 'show stack traces of internal errors')
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`rampart: ${message.replace(/^error: /, '').trim()}\n`) })
    .showHelpAfterError(false);

  registerAudit(program, (code) => (exitCode = code));
  registerChecks(program);
  registerNetpol(program, (code) => (exitCode = code));
  registerHarden(program, (code) => (exitCode = code));
  registerTransport(program, (code) => (exitCode = code));
  registerPki(program, (code) => (exitCode = code));
  for (const command of program.commands) command.exitOverride().option('--debug', 'show stack traces of internal errors');

  // No command, or a command group without its subcommand, is a usage error, not a request
  // for help: scripts must see it fail.
  const group = program.commands.find((command) => command.name() === argv[0] && command.commands.length > 0);
  if (argv.length === 0 || (group && argv.length === 1)) {
    process.stderr.write((group ?? program).helpInformation());
    return EXIT.usage;
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof InputError || error instanceof UsageError) {
      process.stderr.write(`rampart: ${escapeControl(error.message)}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`rampart: internal error: ${escapeControl((error as Error).message)}\n`);
    if (debug) process.stderr.write(`${(error as Error).stack}\n`);
    else process.stderr.write('rampart: run again with --debug for the stack trace, and report it\n');
    return EXIT.internal;
  }
}
