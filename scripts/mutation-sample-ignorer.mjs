// Stryker ignorer for a sampled run (scripts/mutation-sample.mjs): inside the sampled ranges, sets aside
// every node that neither is a sampled mutant's node nor encloses one, so a sampled block statement does
// not bring all the mutants inside it along. Used when MUTATE_SAMPLE names the plan (<folder>-<seed>).
import { readFileSync } from 'node:fs';
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/** Whether node location `outer` encloses (or equals) the sampled mutant `m`; babel lines are 1-based. */
function encloses(outer, m) {
  const startsBefore = outer.start.line < m.line || (outer.start.line === m.line && outer.start.column <= m.column);
  const endsAfter = outer.end.line > m.endLine || (outer.end.line === m.endLine && outer.end.column >= m.endColumn);
  return startsBefore && endsAfter;
}

/** An ignorer keeping the nodes of `sample` (a plan's mutants) and their ancestors. */
export function sampleIgnorer(sample) {
  return {
    shouldIgnore(path) {
      const loc = path.node.loc;
      const file = path.hub?.file?.opts?.filename;
      if (!loc) return undefined;
      const mine = file ? sample.filter((m) => file.endsWith(m.file)) : sample;
      return mine.some((m) => encloses(loc, m)) ? undefined : 'not in the sample (scripts/mutation-sample.mjs)';
    },
  };
}

const name = process.env.MUTATE_SAMPLE;
const plan = name ? JSON.parse(readFileSync(`mutation/sample-${name}.json`, 'utf8')) : { sample: [] };
export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'sample', sampleIgnorer(plan.sample))];
