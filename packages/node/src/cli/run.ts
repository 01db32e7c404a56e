import { CliError, EXIT, usageError } from './errors.js';
import { parseCli } from './options.js';
import { makeContext, type CommandContext } from './context.js';
import { HELP } from './help.js';
import { terminalSafe } from './output.js';
import { createCommand } from './commands/create.js';
import { importCommand } from './commands/import.js';
import { listCommand } from './commands/list.js';
import { addressCommand } from './commands/address.js';
import { balanceCommand } from './commands/balance.js';
import { sendCommand } from './commands/send.js';
import { historyCommand } from './commands/history.js';
import { exportCommand } from './commands/export.js';
import { contractCommand } from './commands/contract.js';
import { CHAIN_COMMANDS } from './commands/chain.js';

const COMMANDS: Record<string, (ctx: CommandContext) => Promise<void>> = {
  create: createCommand,
  import: importCommand,
  list: listCommand,
  address: addressCommand,
  balance: balanceCommand,
  send: sendCommand,
  history: historyCommand,
  export: exportCommand,
  contract: contractCommand,
};

/** Runs one CLI invocation and returns its exit code; every failure becomes one line on stderr. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const opts = parseCli(argv, env, process.cwd());
    const [group, command] = opts.positionals;
    if (opts.flags.help === true || group === undefined || group === 'help' || (group === 'wallet' && (command === undefined || command === 'help'))) {
      process.stdout.write(HELP);
      return group === undefined && opts.flags.help !== true ? EXIT.usage : 0;
    }
    const chain = CHAIN_COMMANDS[group];
    if (chain) {
      await chain(makeContext(opts));
      return 0;
    }
    if (group !== 'wallet') throw usageError(`unknown command "${group}": try hackcoin --help`);
    const run = COMMANDS[command!];
    if (!run) throw usageError(`unknown wallet command "${command}": try hackcoin wallet --help`);
    await run(makeContext(opts));
    return 0;
  } catch (e) {
    // Messages can carry node-supplied text (a refusal's reason, a revert reason): terminalSafe keeps
    // it from acting on the terminal and keeps the error to one line.
    if (e instanceof CliError) {
      process.stderr.write(`error: ${terminalSafe(e.message)}\n`);
      return e.exitCode;
    }
    // Unexpected: still one line; the stack only on request, as it can be long and is for developers.
    process.stderr.write(`error: ${terminalSafe((e as Error).message ?? String(e))}\n`);
    if (env.HACKCOIN_DEBUG) process.stderr.write(`${terminalSafe((e as Error).stack ?? '', { multiline: true })}\n`);
    return EXIT.error;
  }
}
