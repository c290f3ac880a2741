/** A worker thread of `compare`: runs the mesh modes it is sent, one at a time. */
import { serveTasks } from './serve.js';
import { runMode } from './mode.js';

serveTasks(runMode);
