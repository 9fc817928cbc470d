/**
 * The figure a test observed for a row of the bad-day matrix (`npm run chaos`, bench/chaos.ts, issue
 * 22). The chaos script runs the tests that defend each row with CHAOS_FIGURES set to a file and
 * prints what they reported beside whether they passed; in a plain test run this does nothing.
 */
import { appendFileSync } from "node:fs";

export function reportFigure(row: string, observed: string): void {
  const file = process.env.CHAOS_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ row, observed })}\n`);
}
