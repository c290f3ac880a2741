/** Streaming statistics whose memory does not grow with the number of samples. */
export { LogHistogram } from './histogram.js';
export type { CdfPoint, HistogramBucket, LogHistogramJSON } from './histogram.js';
export { studentTCdf, studentTQuantile, logGamma, regularizedBeta } from './studentT.js';
export { meanConfidenceInterval, wilsonInterval, Z95 } from './confidence.js';
export type { ConfidenceInterval } from './confidence.js';
export { BatchedLatency, summarizeParts } from './batched.js';
export type { Interval, LatencySummary } from './batched.js';
export { TimeAverage } from './timeAverage.js';
