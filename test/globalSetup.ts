import { execFileSync } from 'node:child_process';

/**
 * Compiles the CLI once before the suite, so end-to-end tests run the same
 * dist/ a user's `npm run build` (or an installed package) would.
 */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
