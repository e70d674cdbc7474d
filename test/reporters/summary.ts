/**
 * A closing summary after vitest's own report: the runtime matrix (every `describe('runtime: …')`
 * with its result) and one plain `N passed, N failed` line, so a reader (or CI) sees at a glance
 * which runtimes ran and how the run ended.
 */
import type { Reporter, TestCase, TestModule } from 'vitest/node';

const RUNTIME_PREFIX = 'runtime: ';
/** The runtimes a full `npm test` covers; a row's name starts with one of these. */
const EXPECTED_RUNTIMES = ['Chromium', 'Firefox', 'WebKit', 'Node', 'Deno', 'Bun', 'workerd'];

function runtimeOf(test: TestCase): string | undefined {
  const top = test.fullName.split(' > ')[0] ?? '';
  return top.startsWith(RUNTIME_PREFIX) ? top.slice(RUNTIME_PREFIX.length) : undefined;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const runtimes = new Map<string, { passed: number; failed: number; skipped: number }>();
    for (const module of testModules) {
      const tests = [...module.children.allTests()];
      const failedTests = tests.filter((test) => test.result().state === 'failed').length;
      // A file that failed to load, or a hook that failed (its tests then count as skipped), is
      // a failure of its own: never silence.
      const moduleFailed = module.state() === 'failed';
      if (moduleFailed && failedTests === 0) counts.failed += 1;
      for (const test of tests) {
        const state = test.result().state;
        const bucket = state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped';
        counts[bucket] += 1;
        const runtime = runtimeOf(test);
        if (runtime === undefined) continue;
        const row = runtimes.get(runtime) ?? { passed: 0, failed: 0, skipped: 0 };
        row[bucket] += 1;
        if (moduleFailed && failedTests === 0 && row.failed === 0) row.failed = 1;
        runtimes.set(runtime, row);
      }
    }
    const lines = ['', 'Runtime matrix:'];
    if (runtimes.size === 0) lines.push('  (no runtime tests ran)');
    for (const [runtime, row] of [...runtimes].sort(([a], [b]) => a.localeCompare(b))) {
      const verdict = row.failed > 0 ? 'FAILED' : row.passed > 0 ? 'passed' : 'skipped';
      lines.push(
        `  ${verdict.padEnd(7)} ${runtime} (${row.passed} passed, ${row.failed} failed${row.skipped ? `, ${row.skipped} skipped` : ''})`,
      );
    }
    const absent = EXPECTED_RUNTIMES.filter(
      (name) => ![...runtimes.keys()].some((row) => row.toLowerCase().startsWith(name.toLowerCase())),
    );
    if (runtimes.size > 0 && absent.length > 0) lines.push(`  not in this run: ${absent.join(', ')}`);
    lines.push('', `${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
