/**
 * `cardiosynth`: the contract's services from a terminal. Run by bin/cardiosynth on Node >= 22.18, which
 * strips the TypeScript types itself (no build step for the CLI).
 */
import { exportCommand } from './commands/export.ts';
import { importCommand } from './commands/import.ts';
import { generateCommand } from './commands/generate.ts';
import { inspectCommand } from './commands/inspect.ts';
import { labelsCommand } from './commands/labels.ts';
import { phantomCommand } from './commands/phantom.ts';
import { renderCommand } from './commands/render.ts';
import { serveCommand } from './commands/serve.ts';
import { EXIT_BAD_INPUT, EXIT_FAILED, UsageError, err, out, type Command } from './usage.ts';

const COMMANDS: Command[] = [inspectCommand, importCommand, renderCommand, serveCommand, labelsCommand, generateCommand, phantomCommand, exportCommand];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: cardiosynth <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `cardiosynth <command> --help` for a command\'s options.',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await out(mainHelp());
    return name === undefined ? EXIT_BAD_INPUT : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    err(`cardiosynth: unknown command "${name}".\n\n${mainHelp()}`);
    return EXIT_BAD_INPUT;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    await out(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cardiosynth ${command.name}: ${e.message}\n\n${command.help}`);
      return EXIT_BAD_INPUT;
    }
    err(`cardiosynth ${command.name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT_FAILED;
  }
}

// stdout is the command's result (one JSON document with --json); anything a library logs goes to stderr.
console.log = console.error;
console.info = console.error;
console.debug = console.error;

// Every command resolves when it is done (serve: after SIGINT/SIGTERM closed it); exit even if a library
// left a handle open.
process.exit(await main(process.argv.slice(2)));
