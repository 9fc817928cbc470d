/**
 * Test file order for `npm run test:unit` (tests/vitest.config.ts): the files known to take longest
 * start first, so that with two workers the run does not end on one long file while the other
 * worker idles. Vitest's own order (BaseSequencer) sorts by the durations it cached on an earlier
 * run, and without a cache (CI's fresh clone) by file size, which puts small but slow files such as
 * the bulk-read race last. Figures: one file at a time on the 2-core CI machine, 2026-12-06.
 */
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const SLOWEST = [
  "tests/pipeline-faults.test.ts", // ~90 s under load: six settles with Shopify-like delivery delays
  "tests/bulk-read-race.test.ts", // ~70 s: a 2,000-variant initial sync read twice in bulk
  "tests/scale-out/cluster.test.ts", // 2 web + 2 worker processes (skips without PostgreSQL/Redis)
  "tests/scale-out/expiring-tokens-cluster.test.ts",
  "tests/model/pipeline.model.test.ts", // ~35 s
  "tests/production-server.test.ts", // builds the app and starts remix-serve
  "tests/sandbox-cli.test.ts",
];

export class SlowestFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const rank = (file: TestSpecification) => {
      const index = SLOWEST.indexOf(path.relative(root, file.moduleId).split(path.sep).join("/"));
      return index === -1 ? SLOWEST.length : index;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
