/**
 * The writer: sends a run's complete list of writes (write-steps.server.ts, built from the
 * plan of `app/domain/write-plan.ts` before anything is sent) to Shopify, one request at a
 * time, each mutation as a stored write intent (a move and the channel numbers after it share one
 * request, docs/decisions/039); it plans nothing and reads only to settle a write whose answer is
 * in doubt:
 *
 *   store intent (key = random UUID) → send with that key → Shopify applied it → record the
 *   intent's audit entries and sync state in one transaction → next mutation.
 *
 * So a failure at mutation k leaves the k − 1 applied writes recorded, one for one, and the
 * retry plans only what is left (item 3). An intent whose answer never came back (crash, lost
 * response) stays pending and is resumed by `resumePendingWrites` before the next plan.
 */
import { itemsAssumingMoves, type BundleInput } from "~/domain/bundles";
import { putBackChannelMetafieldValue } from "~/domain/inventory-writes";
import { NonRetryableError } from "~/jobs/queue.server";
import { recordLags, type LagInput } from "~/models/telemetry.server";
import {
  closeWriteIntent,
  createWriteIntent,
  pendingWriteIntents,
  recordAppliedWrite,
  writeIntentStatuses,
  type WriteIntent,
  type WriteIntentKind,
  type WriteRecord,
} from "~/models/write-intent.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import {
  applyLevels,
  moveQuantities,
  readChannelNumbers,
  readProductPublications,
  setChannelMetafields,
  setProductPublished,
  type ChannelMetafieldWrite,
  type MoveQuantitiesRequest,
  type UserError,
  type WriteResult,
} from "~/shopify/inventory.server";
import type { ShopSyncContext } from "./sync-context.server";
import { sendUntilAnswered, sendUntilSettled, WriteStillTransientError, type TransientAttempt } from "./write-retries.server";
import type { MetafieldsRequest, PublicationRequest, WriteStep } from "./write-steps.server";

const OPERATION: Record<WriteIntentKind, string> = {
  move_quantities: "inventoryMoveQuantities",
  metafields_set: "metafieldsSet",
  publish: "publishablePublish",
  unpublish: "publishableUnpublish",
};

/**
 * Shopify refused a write for a reason retrying cannot fix (a userError other than a stale
 * compare-and-swap): the job is dead at once, with Shopify's codes and messages as its error.
 */
export class WriteRefusedError extends NonRetryableError {
  constructor(
    readonly operation: string,
    readonly userErrors: readonly UserError[],
  ) {
    super(`${operation} refused: ${describeUserErrors(userErrors)}`);
    this.name = "WriteRefusedError";
  }
}

/** IDEMPOTENCY_CONCURRENT_REQUEST: the same request is still running; retry later with the same key. */
export class WriteInProgressError extends Error {
  constructor(operation: string) {
    super(`${operation} with the same idempotency key is still in progress; will retry`);
    this.name = "WriteInProgressError";
  }
}

export function describeUserErrors(errors: readonly UserError[]): string {
  return errors.map((error) => `${error.code ?? "NO_CODE"} ${error.message}${error.field ? ` (${error.field.join(".")})` : ""}`).join("; ");
}

/**
 * Intents this process created (until closed or resumed) and those it is sending right now.
 * `resumePendingWrites` resends at once only what this process created and is no longer sending
 * (its own answer was lost); another process's pending intent may still be in flight there, so it
 * is resumed only after OTHER_PROCESS_GRACE_MS. Resending a move early would only replay its key,
 * but a metafield or publication intent has no key: reading its effect back before the other
 * worker has sent it would close it as unconfirmed under that worker (seen in
 * tests/scale-out/cluster.test.ts's cost log as replays from live workers).
 */
const createdHere = new Set<string>();
const inFlight = new Set<string>();

/** Longer than one request can take, throttle waits and the Admin client's retries included. */
export const OTHER_PROCESS_GRACE_MS = 2 * 60_000;

/**
 * Sends the intent until Shopify applies or refuses it: transient failures are retried with the
 * same key (write-retries.server.ts); a write without a key whose answer was lost is read back
 * before it is sent again.
 */
async function send(client: AdminClient, intent: WriteIntent): Promise<WriteResult> {
  inFlight.add(intent.id);
  try {
    const landed = intent.kind === "move_quantities" ? null : () => effectPresent(client, intent);
    return await sendUntilSettled(OPERATION[intent.kind], () => sendOnce(client, intent), landed, warnTransient(intent, OPERATION[intent.kind]));
  } finally {
    inFlight.delete(intent.id);
  }
}

const warnTransient = (intent: WriteIntent, operation: string) => (attempt: TransientAttempt) =>
  console.warn("write intent: transient failure, retrying with the same key", { shop: intent.shop, intent: intent.id, operation, ...attempt });

async function sendOnce(client: AdminClient, intent: WriteIntent): Promise<WriteResult> {
  switch (intent.kind) {
    case "move_quantities":
      return moveQuantities(client, { ...(intent.request as MoveQuantitiesRequest), idempotencyKey: intent.id });
    case "metafields_set":
      return setChannelMetafields(client, (intent.request as MetafieldsRequest).metafields);
    case "publish":
    case "unpublish": {
      const request = intent.request as PublicationRequest;
      return setProductPublished(client, request.productId, request.publicationId, intent.kind === "publish");
    }
  }
}

/** What became of one intended write. */
export type WriteOutcome = "applied" | "stale" | "refused";

export interface WriterOptions {
  /** Reconciliation counts a refused write and goes on; a recompute job dies with its codes. */
  onRefused: "throw" | "count";
  refusals?: { operation: string; userErrors: readonly UserError[] }[];
}

/**
 * Stores the intent, sends it, records it. `stale`: re-read and re-plan (the intent is closed;
 * a new plan gets a new key). A concurrent request with the same key throws a retryable error
 * and leaves the intent pending for the retry.
 */
async function perform(
  context: ShopSyncContext,
  client: AdminClient,
  kind: WriteIntentKind,
  request: unknown,
  record: WriteRecord,
  options: WriterOptions,
  lags: LagInput[],
): Promise<WriteOutcome> {
  const intent = await createWriteIntent(context.shop, { kind, request, record }, context.now);
  createdHere.add(intent.id);
  const started = Date.now();
  const result = await send(client, intent);
  if (kind === "move_quantities") lags.push({ kind: "write", millis: Date.now() - started, at: context.now });
  try {
    const outcome = await settle(client, intent, result, options);
    createdHere.delete(intent.id); // recorded or closed
    return outcome;
  } catch (error) {
    // A refusal closed the intent; anything else (a concurrent request with the key, a database
    // error while recording) leaves it pending for this process to resume.
    if (error instanceof WriteRefusedError) createdHere.delete(intent.id);
    throw error;
  }
}

async function settle(client: AdminClient, intent: WriteIntent, result: WriteResult, options: WriterOptions): Promise<WriteOutcome> {
  if (result.ok) {
    await recordAppliedWrite(intent, result.requestId);
    return "applied";
  }
  const operation = OPERATION[intent.kind];
  switch (result.failure) {
    case "busy":
      throw new WriteInProgressError(operation);
    case "transient":
      // Never closed: the job's next attempt resumes it with the same key.
      throw new WriteStillTransientError(operation, result.userErrors.map((error) => error.code ?? error.message).join(", "));
    case "stale":
      // A metafieldsSet resent after its answer was lost (the Admin client resends 5xx and network
      // errors) meets its own earlier write as a stale digest: our values there = it landed.
      if (intent.kind === "metafields_set" && (await effectPresent(client, intent))) {
        await recordAppliedWrite(intent, result.requestId);
        return "applied";
      }
      await closeWriteIntent(intent.id, "stale", result.userErrors);
      return "stale";
    case "replan":
      if (result.userErrors.some((error) => error.code === "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")) {
        // A key is minted per intent and resent only with the intent's own stored variables, so
        // a mismatch is a bug on our side: say so loudly, then re-plan under a new key.
        console.error("write intent: idempotency key reused with other parameters", { shop: intent.shop, intent: intent.id, operation });
      }
      await closeWriteIntent(intent.id, "stale", result.userErrors);
      return "stale";
    case "refused":
      await closeWriteIntent(intent.id, "refused", result.userErrors);
      if (options.onRefused === "throw") throw new WriteRefusedError(operation, result.userErrors);
      options.refusals?.push({ operation, userErrors: result.userErrors });
      return "refused";
  }
}

/**
 * A move step followed by a metafields step travel in one request (SafestockApplyLevels,
 * docs/decisions/039) when every number in it can be put back: each variant had a value before
 * (a first publication has nothing to go back to, so it is sent after its move as before).
 */
function pairable(move: WriteStep, next: WriteStep | undefined): next is WriteStep {
  if (move.kind !== "move_quantities" || next?.kind !== "metafields_set") return false;
  const previous = (next.request as MetafieldsRequest).previousValues;
  return previous !== undefined && previous.every((value) => value !== null);
}

/** What became of a paired move and its channel numbers; `withdrawn`: the numbers were put back because the move was not applied. */
interface PairOutcome {
  move: WriteOutcome;
  metafields: WriteOutcome | "withdrawn";
}

/**
 * Sends a move and the channel numbers that assume it in one request, each a write intent as if
 * sent alone. Shopify runs the two root fields one after the other, each on its own (the GraphQL
 * spec's serial execution of a mutation's root fields), so the numbers can land while the move is
 * refused, stale or asked to try again. A "try again" (or a field error) is resent by itself
 * under the same key until it settles; if in the end the move is not applied, the numbers claim
 * units it did not protect or release, and they are put back to what they were before the run
 * (`withdrawChannelNumbers`) before the move's refusal, staleness or pending retry is handled.
 */
async function performPair(
  context: ShopSyncContext,
  client: AdminClient,
  moveStep: WriteStep,
  metafieldsStep: WriteStep,
  options: WriterOptions,
  lags: LagInput[],
): Promise<PairOutcome> {
  const moveIntent = await createWriteIntent(context.shop, { kind: "move_quantities", request: moveStep.request, record: moveStep.record }, context.now);
  createdHere.add(moveIntent.id);
  const metafieldsRequest: MetafieldsRequest = { ...(metafieldsStep.request as MetafieldsRequest), pairedMoveIntentId: moveIntent.id };
  const metafieldsIntent = await createWriteIntent(context.shop, { kind: "metafields_set", request: metafieldsRequest, record: metafieldsStep.record }, context.now);
  createdHere.add(metafieldsIntent.id);
  const started = Date.now();
  inFlight.add(moveIntent.id).add(metafieldsIntent.id);
  let answer: Awaited<ReturnType<typeof applyLevels>>;
  try {
    // A lost answer is resent whole: the move's key replays its first result, and numbers that
    // landed meet their own digest as stale, with our values there (settle reads them back).
    answer = await sendUntilAnswered(
      "SafestockApplyLevels",
      () => applyLevels(client, { move: moveIntent.request as MoveQuantitiesRequest, idempotencyKey: moveIntent.id, metafields: metafieldsRequest.metafields }),
      warnTransient(moveIntent, "SafestockApplyLevels"),
    );
  } finally {
    inFlight.delete(moveIntent.id);
    inFlight.delete(metafieldsIntent.id);
  }
  // The numbers' own answer; null: their field answered an error, so they are read back.
  const numbersLanded = async () =>
    answer.metafields ? answer.metafields.ok || (answer.metafields.failure === "stale" && (await effectPresent(client, metafieldsIntent))) : effectPresent(client, metafieldsIntent);
  // The move as if it had been sent alone: a field error (applied or not) or a "try again" is
  // resent by itself under the same key until it settles.
  let moveAnswer = answer.move;
  try {
    if (moveAnswer === null || (!moveAnswer.ok && (moveAnswer.failure === "transient" || moveAnswer.failure === "busy"))) moveAnswer = await send(client, moveIntent);
  } catch (error) {
    // Still not applied (left pending for the job's retry): the numbers must not claim it meanwhile.
    if (await numbersLanded()) await withdrawChannelNumbers(client, metafieldsIntent, answer.landedDigests);
    else await closeWriteIntent(metafieldsIntent.id, "stale", undefined);
    createdHere.delete(metafieldsIntent.id);
    throw error;
  }
  if (moveAnswer.ok) {
    lags.push({ kind: "write", millis: Date.now() - started, at: context.now });
    const move = await settleOnce(client, moveIntent, moveAnswer, options);
    const numbers = answer.metafields ?? ((await effectPresent(client, metafieldsIntent)) ? { ok: true as const, requestId: null } : await send(client, metafieldsIntent));
    return { move, metafields: await settleOnce(client, metafieldsIntent, numbers, options) };
  }
  // Refused or stale: numbers that landed beside it are put back before the move's outcome is handled.
  const landed = await numbersLanded();
  // Stale: the level changed since the run's read (a sale), and the re-run publishes at once; what
  // the run lowered stays lowered meanwhile, since the value before it counts none of those sales.
  if (landed) await withdrawChannelNumbers(client, metafieldsIntent, answer.landedDigests, moveAnswer.failure === "stale");
  else await closeWriteIntent(metafieldsIntent.id, answer.metafields?.ok === false && answer.metafields.failure === "refused" ? "refused" : "stale", answer.metafields?.ok === false ? answer.metafields.userErrors : undefined);
  createdHere.delete(metafieldsIntent.id);
  return { move: await settleOnce(client, moveIntent, moveAnswer, options), metafields: landed ? "withdrawn" : "stale" };
}

/** `settle`, keeping this process's list of its own open intents (as `perform`). */
async function settleOnce(client: AdminClient, intent: WriteIntent, result: WriteResult, options: WriterOptions): Promise<WriteOutcome> {
  try {
    const outcome = await settle(client, intent, result, options);
    createdHere.delete(intent.id);
    return outcome;
  } catch (error) {
    if (error instanceof WriteRefusedError) createdHere.delete(intent.id);
    throw error;
  }
}

/**
 * Puts back the values a metafields intent replaced, where our values are still there (a value
 * someone wrote since is theirs), and closes it `withdrawn`: nothing of it is recorded, so the
 * stored channel states stay those of the values put back. Its numbers assumed a move that was
 * not applied (docs/decisions/039). `landedDigests` (the answer that set them): tried first,
 * without a read (docs/decisions/042).
 */
async function withdrawChannelNumbers(client: AdminClient, intent: WriteIntent, landedDigests: readonly string[] | null = null, keepLowered = false): Promise<void> {
  // keepLowered (a stale move): never above what the run planned (putBackChannelMetafieldValue).
  const putBack = (previous: string, planned: string) => (keepLowered ? putBackChannelMetafieldValue(previous, planned) : previous);
  if (!(landedDigests && (await putBackByLandedDigests(client, intent, landedDigests, putBack)))) await putBackWhereStillOurs(client, intent, putBack);
  await closeWriteIntent(intent.id, "withdrawn", undefined);
}

/**
 * Whether Shopify holds every value of `writes` now (a read-back after a lost or stale answer): the
 * channel numbers alone are read, 2 points, not an item read's 17–44 (docs/decisions/043). A
 * variant gone since reads as absent, so not held.
 */
async function holdsEveryValue(client: AdminClient, writes: readonly ChannelMetafieldWrite[]): Promise<boolean> {
  const now = await readChannelNumbers(client, writes.map((write) => write.variantId));
  return writes.every((write) => now.get(write.variantId)?.value === write.value);
}

/** What a put-back writes for one number: its value before the run, or (stale move) no higher than planned. */
type PutBackValue = (previous: string, planned: string) => string;

/**
 * The put-back as a compare-and-swap on the digests our numbers landed with: Shopify takes it only
 * where the metafield is still as we left it, so a value someone wrote since stands, as after a
 * read. metafieldsSet is all or nothing (docs/decisions/016 §11): false (one was written since, or
 * any other refusal) → nothing was put back, and the caller reads and puts back where still ours.
 */

async function putBackByLandedDigests(client: AdminClient, intent: WriteIntent, landedDigests: readonly string[], putBack: PutBackValue): Promise<boolean> {
  const request = intent.request as MetafieldsRequest;
  const previous = request.previousValues;
  if (!previous || landedDigests.length !== request.metafields.length || previous.some((value) => typeof value !== "string")) return false;
  const restore = request.metafields.map((write, index) => ({ variantId: write.variantId, value: putBack(previous[index]!, write.value), compareDigest: landedDigests[index]! }));
  const result = await sendUntilSettled("metafieldsSet", () => setChannelMetafields(client, restore), () => holdsEveryValue(client, restore), warnTransient(intent, "metafieldsSet"));
  return result.ok;
}

/** The put-back after a read: only the values that are still ours, each with its current digest. */
async function putBackWhereStillOurs(client: AdminClient, intent: WriteIntent, putBack: PutBackValue): Promise<void> {
  const request = intent.request as MetafieldsRequest;
  const current = await readChannelNumbers(client, request.metafields.map((write) => write.variantId));
  const restore = request.metafields.flatMap((write, index) => {
    const now = current.get(write.variantId);
    const previous = request.previousValues?.[index];
    return now && now.value === write.value && typeof previous === "string" ? [{ variantId: write.variantId, value: putBack(previous, write.value), compareDigest: now.compareDigest }] : [];
  });
  if (restore.length > 0) {
    const result = await sendUntilSettled("metafieldsSet", () => setChannelMetafields(client, restore), () => holdsEveryValue(client, restore), warnTransient(intent, "metafieldsSet"));
    // Stale: someone wrote these numbers since; theirs stand. A refusal of values Shopify took before is a bug: say so.
    if (!result.ok && result.failure !== "stale") {
      console.error("write intent: channel numbers could not be put back", { shop: intent.shop, intent: intent.id, errors: describeUserErrors(result.userErrors) });
    }
  }
}

/**
 * Counts of one writer run, in writes: `planned` found different from the plan; each ends
 * applied, refused, or not sent (the run stopped at a stale write).
 */
export interface ApplyCounts {
  stale: boolean;
  planned: { safetyStock: number; metafields: number; publications: number };
  applied: number;
  refused: number;
  /** Of the channel metafield writes, those publishing a variant's numbers for the first time (WriteStep.firstPublications). */
  firstPublications: { planned: number; applied: number; refused: number };
}

/**
 * Sends a run's complete list of writes (write-steps.server.ts) in order, each as a write intent
 * recorded once Shopify applied it. Stops at the first stale write (the caller re-reads and
 * re-plans); everything applied before it is already recorded.
 */
export async function executeWriteSteps(
  context: ShopSyncContext,
  client: AdminClient,
  steps: readonly WriteStep[],
  options: WriterOptions,
  /** The run's fixed bundles with their components: a bundle's numbers assume its components' moves. */
  bundles: readonly BundleInput[] = [],
): Promise<ApplyCounts> {
  const writesOf = (kinds: readonly WriteIntentKind[]) => steps.filter((step) => kinds.includes(step.kind)).reduce((sum, step) => sum + step.writes, 0);
  const counts: ApplyCounts = {
    stale: false,
    planned: { safetyStock: writesOf(["move_quantities"]), metafields: writesOf(["metafields_set"]), publications: writesOf(["publish", "unpublish"]) },
    applied: 0,
    refused: 0,
    firstPublications: { planned: steps.reduce((sum, step) => sum + (step.firstPublications ?? 0), 0), applied: 0, refused: 0 },
  };
  // Write lag samples of this run's moves, stored once at the end (one statement, not one a move).
  const lags: LagInput[] = [];
  try {
    const count = (step: WriteStep, outcome: WriteOutcome): boolean => {
      if (outcome === "applied") {
        counts.applied += step.writes;
        counts.firstPublications.applied += step.firstPublications ?? 0;
      } else if (outcome === "refused") {
        counts.refused += step.writes;
        counts.firstPublications.refused += step.firstPublications ?? 0;
      } else counts.stale = true;
      return outcome !== "stale";
    };
    // Items whose move Shopify refused in this run (reconciliation goes on after a refusal), and
    // the bundles made of them: their numbers in later steps assumed that move, so they are not
    // sent (docs/decisions/039). A bundle beside the refused move is put back with the rest of
    // that request's numbers (performPair).
    let refusedItems = new Set<string>();
    // Each step filtered from what is left of it (looked at as the next of a move, then as itself):
    // a refusal between the two looks drops its items then, and nothing is counted twice.
    const filtered = new Map<number, WriteStep | undefined>();
    const unrefused = (index: number): WriteStep | undefined => {
      const step = filtered.has(index) ? filtered.get(index) : steps[index];
      let result: WriteStep | undefined = step;
      if (step?.kind === "metafields_set" && refusedItems.size > 0) {
        const { kept, dropped } = withoutItems(step, refusedItems);
        if (dropped.writes > 0) count(dropped, "refused");
        result = kept.writes > 0 ? kept : undefined;
      }
      filtered.set(index, result);
      return result;
    };
    const noteRefusedMove = (step: WriteStep, outcome: WriteOutcome) => {
      if (outcome !== "refused") return;
      const moved = (step.request as MoveQuantitiesRequest).changes.map((change) => change.inventoryItemId);
      refusedItems = itemsAssumingMoves([...refusedItems, ...moved], bundles);
    };
    for (let index = 0; index < steps.length; index++) {
      const step = unrefused(index);
      if (!step) continue;
      const next = step.kind === "move_quantities" ? unrefused(index + 1) : undefined;
      if (pairable(step, next)) {
        index++;
        const outcome = await performPair(context, client, step, next, options, lags);
        if (!count(step, outcome.move)) break;
        noteRefusedMove(step, outcome.move);
        // Withdrawn beside a refused move: not applied, for the move's reason (beside a stale one
        // the run stops at the move).
        const numbers = outcome.metafields === "withdrawn" ? "refused" : outcome.metafields;
        if (!count(next, numbers)) break;
        continue;
      }
      const outcome = await perform(context, client, step.kind, step.request, step.record, options, lags);
      if (!count(step, outcome)) break;
      if (step.kind === "move_quantities") noteRefusedMove(step, outcome);
    }
    return counts;
  } finally {
    // Telemetry: a failure to store it must not hide the run's own outcome or error.
    await recordLags(context.shop, lags).catch((error: unknown) => console.error("write lag samples not stored", { shop: context.shop, error: String(error) }));
  }
}

/**
 * A metafields step split into the writes of items not in `items` and those of items in it (the
 * request's `inventoryItemIds` are in the order of its `metafields`, write-steps.server.ts). The
 * dropped part counts its writes, and as first publications those that had no value before.
 */
function withoutItems(step: WriteStep, items: ReadonlySet<string>): { kept: WriteStep; dropped: WriteStep } {
  const request = step.request as MetafieldsRequest;
  const keep = request.inventoryItemIds.map((id) => !items.has(id));
  const pick = <T>(list: readonly T[] | undefined, keeping: boolean) => list?.filter((_, index) => keep[index] === keeping);
  const keptRequest: MetafieldsRequest = {
    ...request,
    metafields: pick(request.metafields, true)!,
    inventoryItemIds: pick(request.inventoryItemIds, true)!,
    ...(request.previousValues ? { previousValues: pick(request.previousValues, true)! } : {}),
  };
  const keptItem = (entry: { inventoryItemId?: string | null }) => !entry.inventoryItemId || !items.has(entry.inventoryItemId);
  const record = { ...step.record, audit: step.record.audit.filter(keptItem), ...(step.record.channels ? { channels: step.record.channels.filter(keptItem) } : {}) };
  const droppedFirst = Math.min(step.firstPublications ?? 0, (pick(request.previousValues, false) ?? []).filter((value) => value === null).length);
  const droppedWrites = keep.filter((kept) => !kept).length;
  return {
    kept: { ...step, request: keptRequest, record, writes: keptRequest.metafields.length, firstPublications: (step.firstPublications ?? 0) - droppedFirst },
    dropped: { ...step, writes: droppedWrites, firstPublications: droppedFirst },
  };
}

/** Keys are kept about 24 h (docs/decisions/012 § Idempotency, [unconfirmed]): an older intent is not resent. */
export const INTENT_RESEND_WINDOW_MS = 23 * 60 * 60_000;

/**
 * Settles the shop's intents whose answer never came back (worker killed after sending, lost
 * response), before anything new is planned:
 * - a quantity move is resent with its own key and variables: Shopify applies it once, or
 *   answers with the original result, or says it is stale now;
 * - metafieldsSet and publications take no key: their effect is read back; applied → recorded,
 *   not applied → closed "unconfirmed" (the next plan writes what is still needed). A late
 *   confirmation from a worker still sending it may still record it.
 */
export async function resumePendingWrites(shop: string, client: AdminClient, now: Date): Promise<{ resumed: number; applied: number }> {
  const pending = (await pendingWriteIntents(shop)).filter(
    (intent) => !inFlight.has(intent.id) && (createdHere.has(intent.id) || now.getTime() - intent.createdAt.getTime() >= OTHER_PROCESS_GRACE_MS),
  );
  // Moves first: numbers sent with a move (SafestockApplyLevels) are judged by what became of it.
  pending.sort((a, b) => Number(b.kind === "move_quantities") - Number(a.kind === "move_quantities"));
  let applied = 0;
  for (const intent of pending) {
    createdHere.delete(intent.id);
    if (now.getTime() - intent.createdAt.getTime() > INTENT_RESEND_WINDOW_MS) {
      await closeWriteIntent(intent.id, "expired", undefined);
      continue;
    }
    if (intent.kind === "move_quantities") {
      const outcome = await settle(client, intent, await send(client, intent), { onRefused: "count" });
      if (outcome === "applied") applied++;
      continue;
    }
    const pairedMove = intent.kind === "metafields_set" ? (intent.request as MetafieldsRequest).pairedMoveIntentId : undefined;
    const moveStatus = pairedMove ? (await writeIntentStatuses([pairedMove])).get(pairedMove) : "applied";
    if (moveStatus === "pending") continue; // its move is still unsettled: judged with it on a later resume
    if (!(await effectPresent(client, intent))) await closeWriteIntent(intent.id, "unconfirmed", undefined);
    else if (moveStatus !== "applied") await withdrawChannelNumbers(client, intent);
    else if (await recordAppliedWrite(intent, null)) applied++;
  }
  return { resumed: pending.length, applied };
}

async function effectPresent(client: AdminClient, intent: WriteIntent): Promise<boolean> {
  if (intent.kind === "metafields_set") {
    // metafieldsSet "is atomic, meaning no changes are persisted if an error is encountered"
    // (its description in the 2026-10 schema): every value is there, or none of this request's.
    return holdsEveryValue(client, (intent.request as MetafieldsRequest).metafields);
  }
  const request = intent.request as PublicationRequest;
  const published = await readProductPublications(client, request.productId);
  return published.has(request.publicationId) === (intent.kind === "publish");
}
