#!/usr/bin/env node
import { runCli } from '../sim/cli/program.js';

process.exitCode = await runCli(process.argv.slice(2));
