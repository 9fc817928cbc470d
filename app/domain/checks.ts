import { POLICY_LIMITS } from "./policy-limits";
import type { Problem } from "./result";
import { parseInstant } from "./time";

/** Collects every problem instead of stopping at the first, so a merchant can fix a file in one pass. */
export class ProblemList {
  readonly problems: Problem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  get isEmpty(): boolean {
    return this.problems.length === 0;
  }
}

export type Json = Record<string, unknown>;

/**
 * A value as a problem quotes it: JSON, except a missing field, which JSON.stringify writes as
 * the word "undefined" ("must be 1, got undefined" tells a merchant nothing).
 */
export function shown(value: unknown): string {
  return value === undefined ? "nothing (the field is missing)" : (JSON.stringify(value) ?? String(value));
}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Unknown fields are refused: a typo such as "unit" would otherwise silently protect nothing. */
export function checkKnownFields(problems: ProblemList, path: string, value: Json, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.add(`${path}.${key}`, `unknown field "${key}" (allowed: ${allowed.join(", ")})`);
  }
}

export function checkWholeUnits(problems: ProblemList, path: string, value: unknown, required: boolean): boolean {
  if (value === undefined) {
    if (required) problems.add(path, "is required (a whole number of units, 0 or more)");
    return !required;
  }
  if (typeof value !== "number" || !Number.isInteger(value)) {
    problems.add(path, `must be a whole number of units, got ${shown(value)}`);
    return false;
  }
  if (value < 0) {
    problems.add(path, `must not be negative, got ${value}`);
    return false;
  }
  if (value > POLICY_LIMITS.units) {
    problems.add(path, `must be at most ${POLICY_LIMITS.units} units, got ${value}`);
    return false;
  }
  return true;
}

export function checkNonNegativeNumber(problems: ProblemList, path: string, value: unknown, required: boolean, max = Number.POSITIVE_INFINITY): boolean {
  if (value === undefined) {
    if (required) problems.add(path, "is required (a number, 0 or more)");
    return !required;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    problems.add(path, `must be a number, got ${shown(value)}`);
    return false;
  }
  if (value < 0) {
    problems.add(path, `must not be negative, got ${value}`);
    return false;
  }
  if (value > max) {
    problems.add(path, `must be at most ${max}, got ${value}`);
    return false;
  }
  return true;
}

export function checkName(problems: ProblemList, path: string, value: unknown, required: boolean): value is string {
  if (value === undefined) {
    if (required) problems.add(path, "is required");
    return false;
  }
  if (typeof value !== "string" || value.length === 0) {
    problems.add(path, `must be a non-empty string, got ${shown(value)}`);
    return false;
  }
  if (value.length > POLICY_LIMITS.nameLength) {
    problems.add(path, `must be at most ${POLICY_LIMITS.nameLength} characters, got ${value.length}`);
    return false;
  }
  return true;
}

export function checkInstant(problems: ProblemList, path: string, value: unknown): boolean {
  if (value === undefined) {
    problems.add(path, "is required (an ISO-8601 instant such as 2026-11-24T09:00:00Z)");
    return false;
  }
  if (typeof value !== "string" || parseInstant(value) === undefined) {
    problems.add(path, `must be an ISO-8601 instant with offset such as 2026-11-24T09:00:00Z, got ${shown(value)}`);
    return false;
  }
  return true;
}

/** An array of non-empty strings, each reported at its own index. */
export function checkNameList(problems: ProblemList, path: string, value: unknown, required: boolean): string[] | undefined {
  if (value === undefined) {
    if (required) problems.add(path, "is required (a list of names)");
    return undefined;
  }
  if (!Array.isArray(value)) {
    problems.add(path, "must be a list of names");
    return undefined;
  }
  if (!checkListLength(problems, path, value, POLICY_LIMITS.listEntries)) return undefined;
  const names: string[] = [];
  const seen = new Set<string>();
  value.forEach((entry, i) => {
    if (!checkName(problems, `${path}[${i}]`, entry, true)) return;
    if (seen.has(entry)) problems.add(`${path}[${i}]`, `"${entry}" is listed twice`);
    seen.add(entry);
    names.push(entry);
  });
  return names;
}

/** A list longer than `max` is one problem, not one per entry. */
export function checkListLength(problems: ProblemList, path: string, list: readonly unknown[], max: number): boolean {
  if (list.length <= max) return true;
  problems.add(path, `lists ${list.length} entries; at most ${max}`);
  return false;
}

/** Is a string shorter, and nested no deeper, than the bounds? Checked on the text, before any parser recurses into it. */
export function checkJsonText(text: string, maxLength: number, maxDepth: number): string | undefined {
  if (text.length > maxLength) return `is too large (${text.length} characters; at most ${maxLength})`;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) i++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      if (++depth > maxDepth) return `nests lists and objects more than ${maxDepth} deep`;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) depth--;
  }
  return undefined;
}
