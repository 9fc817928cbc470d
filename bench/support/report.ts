/**
 * What a benchmark leaves behind: bench/results/<name>.json (every figure; git-ignored), a section of
 * bench/README.md between `<!-- <name>:start -->` and `<!-- <name>:end -->` (the latest figures with
 * date and machine), and SVG charts drawn here into bench/charts/ (no downloaded tools).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, ${os.platform()}`;
}

export function writeResults(name: string, data: unknown): string {
  const dir = path.join(benchDir, "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ benchmark: name, date: new Date().toISOString(), machine: machine(), ...(data as object) }, null, 2) + "\n");
  return file;
}

/** Replaces (or appends) this benchmark's section of bench/README.md. */
export function updateReadme(name: string, markdown: string) {
  const file = path.join(benchDir, "README.md");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${start}\n${markdown.trim()}\n${end}`;
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  writeFileSync(file, pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}\n`);
}

/** A markdown table from rows of cells (the first row is the header). */
export function markdownTable(rows: readonly (readonly (string | number)[])[]): string {
  const [header, ...body] = rows;
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header!), line(header!.map(() => "---")), ...body.map(line)].join("\n");
}

/** The same table, aligned for a terminal. */
export function textTable(rows: readonly (readonly (string | number)[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => String(row[column] ?? "").length)));
  return rows.map((row) => row.map((cell, column) => String(cell).padStart(widths[column]!)).join("  ")).join("\n");
}

export interface BarGroup {
  label: string;
  bars: { series: string; value: number }[];
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Grouped horizontal-axis bar chart as SVG: one panel per metric, one group per scenario, one bar
 * per series (app). Values are labelled on the bars, so the chart reads without a scale.
 */
export function barChartSvg(title: string, panels: { metric: string; unit: string; groups: BarGroup[] }[]): string {
  const series = [...new Set(panels.flatMap((p) => p.groups.flatMap((g) => g.bars.map((b) => b.series))))];
  const palette = ["#2c6ecb", "#5c9e31", "#e0a100", "#d72c0d", "#8a5cc2", "#6d7175"];
  const colour = (name: string) => palette[series.indexOf(name) % palette.length]!;
  const barWidth = 22;
  const groupGap = 26;
  const panelHeight = 220;
  const left = 50;
  const panelWidths = panels.map((p) => p.groups.reduce((w, g) => w + g.bars.length * barWidth + groupGap, 0));
  const width = left + Math.max(...panelWidths) + 20;
  const height = 60 + panels.length * (panelHeight + 70) + 30;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="24" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  series.forEach((name, i) => {
    const x = left + i * 150;
    out.push(`<rect x="${x}" y="36" width="12" height="12" fill="${colour(name)}"/><text x="${x + 16}" y="46">${escapeXml(name)}</text>`);
  });
  panels.forEach((panel, p) => {
    const top = 70 + p * (panelHeight + 70);
    const max = Math.max(1, ...panel.groups.flatMap((g) => g.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0))));
    out.push(`<text x="${left}" y="${top + 12}" font-size="13" font-weight="bold">${escapeXml(`${panel.metric} (${panel.unit})`)}</text>`);
    const base = top + 20 + panelHeight - 30;
    out.push(`<line x1="${left - 4}" y1="${base}" x2="${left + panelWidths[p]!}" y2="${base}" stroke="#999"/>`);
    let x = left;
    for (const group of panel.groups) {
      const groupStart = x;
      for (const bar of group.bars) {
        const value = Number.isFinite(bar.value) ? bar.value : 0;
        const h = Math.round(((panelHeight - 50) * value) / max);
        out.push(`<rect x="${x}" y="${base - h}" width="${barWidth - 3}" height="${h}" fill="${colour(bar.series)}"><title>${escapeXml(`${group.label} ${bar.series}: ${bar.value}`)}</title></rect>`);
        const text = Number.isFinite(bar.value) ? (bar.value >= 100 ? bar.value.toFixed(0) : String(Math.round(bar.value * 10) / 10)) : "–";
        out.push(`<text x="${x + (barWidth - 3) / 2}" y="${base - h - 3}" text-anchor="middle" font-size="9">${text}</text>`);
        x += barWidth;
      }
      out.push(`<text x="${(groupStart + x - 3) / 2}" y="${base + 14}" text-anchor="middle">${escapeXml(group.label)}</text>`);
      x += groupGap;
    }
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

export function writeChart(fileName: string, svg: string): string {
  const file = path.join(benchDir, "charts", fileName);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, svg);
  return file;
}
