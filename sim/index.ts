/** meshtax's library API: everything the CLI does, callable from TypeScript. */
export { loadTopologyFile, loadTopologySource, type LoadResult, type LoadOptions } from './topology/load.js';
export type { Patch } from './topology/patch.js';
export type { Path } from './topology/locate.js';
export type { GivenLimits } from './topology/timeline.js';
export type { MeshOptions } from './mesh/resolve.js';
export type { ProfileResult } from './mesh/loadProfile.js';
export type {
  Topology, Service, EntryPoint, Dist, Step, Node, MeshProfile, ProxySpec, MtlsSpec, Costs,
  TimelineEvent, Target, ResiliencePolicy, RetryPolicy, ControlPlane, ControlPlaneResources, CircuitBreaker, OutlierDetection,
  MeshMode, RetryCondition, Network, LoadBalancer, Arrivals, RateSegment, EntryVia, SimulationSettings, TopologyTimeouts, NoEffectSetting,
  // Named by the types above (MeshProfile.sidecar, ResiliencePolicy, a rollout's maxSurge): a caller building a topology in code must be able to name them too.
  SidecarSpec, OutlierStyle, PickFrom, PodBudget,
} from './topology/types.js';
export { listMeshProfiles, loadMeshProfile } from './mesh/index.js';
export { formatDiagnostic, formatDiagnostics } from './diagnostics/format.js';
export { DiagnosticError, type Diagnostic, type SourceLocation, type Severity } from './diagnostics/types.js';
// Thrown by runTopology / compareMeshes* when a run is unboundedly overloaded: catch it by class, read its `hint`.
export { SimulationAbort, type AbortReason, type SimulationLimits } from './model/outcome.js';
export type { Component } from './model/components.js';
export type { ProxyKind } from './model/build.js';
export type { Interval } from './stats/batched.js';
export type { LogHistogramJSON } from './stats/histogram.js';
export { runTopology, resolveLimits, type RunOptions, type RunHooks } from './run.js';
export type {
  RunResult, EntryPointResult, ServiceResult, LatencySummary, FailureCount, ResourceTax, ProxyFleet, ControlPlaneTax, RunWarning, Timeline, ServiceGraph,
} from './results/types.js';
export { compareMeshes, compareMeshesParallel, compareRuns, type CompareResult, type ModeRow, type Delta } from './compare.js';
export { runModes, type ParallelOptions, type ModeDone, type ModeOutcome } from './parallel/modes.js';
export { runCli, resultJson } from './cli/program.js';
// What run and compare print (--csv, the table) and what `meshtax report` reads.
export { runTable } from '../reports/table.js';
export { compareTable } from '../reports/compareTable.js';
export { runCsv, compareCsv } from '../reports/csv.js';
export { readResultsFile, type ReadResults } from '../reports/readResults.js';
export type { CliIo } from './cli/io.js';
export { VERSION } from './version.js';
export {
  renderHtmlReport, writeChartFiles, reportModel, buildCharts, chartList, renderChartSvg,
  type ReportInput, type ReportModel, type ReportChart, type ReportCharts, type ChartSpec,
} from '../reports/index.js';
export { buildDefinition, readSweepFile, type SweepDefinition, type PointSetting } from './sweep/definition.js';
export type { SweepAxis, SweepValue } from './sweep/values.js';
export { planSweep, runAt, shardRuns, parseShard, type SweepPlan, type SweepOptions, type SweepPoint, type Shard, type SweepRun, type PlanResult } from './sweep/plan.js';
export { runSweep, type RunSweepOptions, type SweepOutcome, type SweepProgress } from './sweep/engine.js';
export { mergeResults, type MergeResult } from './sweep/merge.js';
export type { SweepRecord, RunSummary, SweepIdentity, EntryPointSummary } from './sweep/record.js';
export { readSweepRecords } from './sweep/store.js';
export type { CappedRead } from './readCapped.js';
export { renderSweepReport, sweepCsv, type SweepReportOptions } from '../reports/sweep/index.js';
