/** Results the report tests render: the bundled Bookinfo under all five meshes, and the hostile-names fixture. */
import { compareMeshes, type CompareResult } from '../../sim/compare.js';
import { loadTopologyFile } from '../../sim/topology/load.js';
import { formatDiagnostics } from '../../sim/diagnostics/format.js';

export const ALL_MESHES = ['none', 'istio-sidecar', 'istio-ambient', 'linkerd', 'cilium'];

export function compareFile(file: string, meshes: string[], duration: number): CompareResult {
  const topologies = meshes.map((mesh) => {
    const { topology, diagnostics } = loadTopologyFile(file, { mesh });
    if (!topology) throw new Error(formatDiagnostics(diagnostics));
    return topology;
  });
  return compareMeshes(topologies, { duration });
}

/** Strings that try every way out of HTML text, attributes, <script> and comments. */
export const HOSTILE = {
  profile: 'evil</script><script>alert(4)</script>&mesh',
  description: '<b onmouseover=alert(5)>bold</b> & "quoted" \'single\'',
  sources: ['</script><!--', '<img src=x onerror=alert(6)>'],
};

/**
 * The hostile topology file under no mesh and a sidecar mesh; mesh profiles
 * come from profile files, so the sidecar's name, description and sources
 * are made hostile in the results, as an edited results file would be.
 */
export function hostileCompare(): CompareResult {
  const c = compareFile('test/fixtures/reports/injection.yaml', ['none', 'istio-sidecar'], 20);
  const sidecar = c.runs[1];
  sidecar.mesh = { ...sidecar.mesh, ...HOSTILE };
  c.meshes[1] = HOSTILE.profile;
  for (const ep of c.invoice) ep.rows[1].mesh = HOSTILE.profile;
  return c;
}
