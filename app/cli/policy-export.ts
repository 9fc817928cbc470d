/**
 * policy:export — writes a shop's policy in force (format v1) to stdout or a file.
 *
 *   npm run -s policy:export -- --shop example.myshopify.com [--out policy.json]
 *
 * Exit 0; exit 2 for bad usage or when the shop has no policy yet.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({ options: { shop: { type: "string" }, out: { type: "string" } }, strict: true }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (!values.shop) fail("usage: policy-export --shop <shop.myshopify.com> [--out <file>]");
  const { compose } = await import("~/composition.server");
  compose();
  const { exportPolicy } = await import("~/services/policy.server");
  const current = await exportPolicy(values.shop);
  if (!current) fail(`${values.shop} has no policy yet`);
  const text = `${JSON.stringify(current.document, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, text);
    process.stderr.write(`Wrote policy v${current.version} of ${values.shop} to ${values.out}\n`);
  } else {
    process.stdout.write(text);
  }
}

main().catch((error) => {
  process.stderr.write(`policy:export failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
