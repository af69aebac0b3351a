#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// A reader that closes the pipe early (`| head`) is not an error of rampart's: later writes
// are dropped and the exit code still reports the findings. Any other write error (a full
// disk) ends the run with one line and exit 2.
let outputFailed = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE' || outputFailed) return;
    outputFailed = true;
    try {
      process.stderr.write(`rampart: cannot write the output: ${error.code ?? error.message}\n`);
    } finally {
      process.exit(2);
    }
  });
}

process.exitCode = await main(process.argv.slice(2));
