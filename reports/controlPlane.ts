/**
 * How every view of the results (the text table, the CSV, the invoice, the
 * HTML tables and charts) reads a run's control plane, so that none of them
 * shows one another leaves out: a mode without a mesh, results saved before
 * the control plane was priced, a profile that does not price it.
 */
import type { ControlPlaneTax, ResourceTax } from '../sim/results/types.js';

/**
 * The control plane's share of the bill, or null where there is none to show:
 * no mesh, or results written before it was priced (they have no such field).
 */
export function controlPlaneOf(r: ResourceTax, mode: string): ControlPlaneTax | null {
  return mode === 'none' || r.controlPlane === undefined ? null : r.controlPlane;
}

/** Whether the profile priced its control plane at all (a profile without `controlPlane.resources` does not). */
export function controlPlaneCharged(cp: ControlPlaneTax): boolean {
  // Results written before `priced` was recorded: a cost above 0 is the only sign.
  return cp.priced ?? (cp.vcpu > 0 || cp.memoryGB > 0);
}
