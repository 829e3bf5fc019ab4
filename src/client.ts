#!/usr/bin/env node
// The engineers' CLI: parse arguments, call Temporal (or the Metastore API for housekeeping), print
// text or --json, set the exit code. No business rules here: the workflow decides; the commands are in src/cli/.
import { parse } from './cli/args';
import { commands, type Printer } from './cli/commands';
import { type Shell, completionScript } from './cli/completion';
import { HelpRequested, UsageError, describeError, errorJson } from './cli/errors';
import { buildProgram } from './cli/program';
import { loadConfig } from './config';
import { forTerminal, redact } from './secrets/redact';

async function main(argv: string[]): Promise<number> {
  let json = argv.includes('--json');
  try {
    const { command, options } = parse(argv);
    json = options.json;
    // A shell's startup file runs this: no config to load, whatever the environment holds.
    if (command === 'completion') {
      console.log(
        completionScript(
          options.values.shell as Shell,
          buildProgram(() => undefined),
        ),
      );
      return 0;
    }
    const run = commands[command];
    if (!run) throw new UsageError(`unknown command: ${command}`);
    // Results hold no secrets by design; redact() is the net for a config or API message that quotes one.
    const print: Printer = (value, text) =>
      console.log(forTerminal(redact(json ? JSON.stringify(value, null, 2) : text)));
    return (await run(loadConfig(), options, print)) ?? 0;
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(err.message);
      return 0;
    }
    const described = describeError(err);
    const { type } = described;
    const message = redact(described.message);
    if (json) console.error(JSON.stringify(errorJson(described, redact)));
    else console.error(forTerminal(type === 'Usage' ? message : `${type}: ${message}`));
    return type === 'Usage' ? 2 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(redact(err instanceof Error ? (err.stack ?? err.message) : String(err)));
    process.exit(1);
  },
);
