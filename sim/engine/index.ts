export { Engine, type EventHandler } from './engine.js';
export { EventQueue } from './eventQueue.js';
export { RandomStreams, type Rng } from './rng.js';
