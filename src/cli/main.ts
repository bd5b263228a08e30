#!/usr/bin/env node
/**
 * The `kstreams` executable (package.json `bin`). Errors a user can act on (bad config, an
 * unreachable server, a group still running) are printed as one line, without a stack trace;
 * `KSTREAMS_DEBUG=1` adds the stack.
 */
import { processOutput } from './cli-output.js';
import { createProgram } from './program.js';

let exitCode = 0;
const program = createProgram((code) => {
  exitCode = code;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const e = error as Error;
  processOutput.error(e.message);
  if (process.env['KSTREAMS_DEBUG'] === '1' && e.stack !== undefined) process.stderr.write(`${e.stack}\n`);
  exitCode = 1;
}
// Kafka clients keep sockets and timers alive after they are closed; the command is done.
process.exit(exitCode);
