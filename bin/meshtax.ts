#!/usr/bin/env node
import { runCli } from '../sim/cli/program.js';
import { exitQuietlyOnClosedPipe } from '../sim/cli/io.js';

exitQuietlyOnClosedPipe();

process.exitCode = await runCli(process.argv.slice(2));
