/** meshtax's library API: everything the CLI does, callable from TypeScript. */
export { loadTopologyFile, loadTopologySource, type LoadResult, type LoadOptions } from './topology/load.js';
export type {
  Topology, Service, EntryPoint, Dist, Step, Node, MeshProfile, ProxySpec, MtlsSpec, Costs,
  TimelineEvent, Target, ResiliencePolicy, RetryPolicy, ControlPlane, CircuitBreaker, OutlierDetection,
} from './topology/types.js';
export { listMeshProfiles, loadMeshProfile } from './mesh/index.js';
export { formatDiagnostic, formatDiagnostics } from './diagnostics/format.js';
export { DiagnosticError, type Diagnostic, type SourceLocation } from './diagnostics/types.js';
export { runTopology, resolveLimits, type RunOptions, type RunHooks } from './run.js';
export type {
  RunResult, EntryPointResult, ServiceResult, LatencySummary, FailureCount, ResourceTax, ProxyFleet, RunWarning, Timeline,
} from './results/types.js';
export { compareMeshes, compareMeshesParallel, compareRuns, type CompareResult, type ModeRow, type Delta } from './compare.js';
export { runModes, type ParallelOptions, type ModeDone, type ModeOutcome } from './parallel/modes.js';
export { runCli } from './cli/program.js';
export type { CliIo } from './cli/io.js';
export { VERSION } from './version.js';
export { renderHtmlReport, writeChartFiles, buildCharts, chartList, renderChartSvg, type ReportInput, type ReportChart } from '../reports/index.js';
export { buildDefinition, readSweepFile, type SweepDefinition } from './sweep/definition.js';
export { planSweep, runAt, shardRuns, parseShard, type SweepPlan, type SweepOptions, type SweepPoint, type Shard } from './sweep/plan.js';
export { runSweep, type RunSweepOptions, type SweepOutcome, type SweepProgress } from './sweep/engine.js';
export { mergeResults, type MergeResult } from './sweep/merge.js';
export type { SweepRecord, RunSummary, SweepIdentity } from './sweep/record.js';
export { renderSweepReport, sweepCsv } from '../reports/sweep/index.js';
