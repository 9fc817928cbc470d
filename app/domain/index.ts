/**
 * Safestock rules engine: pure functions from (policy, inventory snapshot, now) to a plan of
 * location protection (Shopify safety_stock / quality_control) and per-channel availability.
 * No IO, no clock: callers pass `now`.
 *
 * Typical use:
 *   const policy = checkPolicy(json, shopFactsOf(snapshot));   // once per published version
 *   const compiled = compilePolicy(policy.value);
 *   const plan = planAvailability(compiled, snapshot, { now });      // per change, any subset of inventory items
 */
export type * from "./types";
export type { Problem, Result } from "./result";
export { checkPolicy, DRAFT_NOT_EDITABLE, editableDraft, readPolicyText, shopFactsOf, type ShopFacts } from "./policy-check";
export { validateSnapshot } from "./validate-snapshot";
export { compilePolicy, type CompiledPolicy } from "./compile-policy";
export { planAvailability } from "./plan";
export { locationsOf } from "./channels";
export { parseInstant } from "./time";
