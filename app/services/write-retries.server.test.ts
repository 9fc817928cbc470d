import { afterEach, describe, expect, it } from "vitest";
import { AdminApiError } from "~/shopify/admin-client.server";
import { classifyUserErrors, type WriteResult } from "~/shopify/inventory.server";
import { configureWriteRetries, sendUntilSettled, WriteStillTransientError } from "./write-retries.server";

const waits: number[] = [];
const fast = () => configureWriteRetries({ attempts: 4, baseMs: 10, maxMs: 40, random: () => 1, sleep: async (ms) => void waits.push(ms) });
const lostAnswer = (status: number) => new AdminApiError(`Shopify answered ${status}`, { shop: "s", operation: "op", status, requestId: null });
const userError = (code: string): WriteResult => ({ ok: false, failure: code === "IDEMPOTENCY_CONCURRENT_REQUEST" ? "busy" : "transient", userErrors: [{ field: null, message: code, code }], requestId: null });

/** Answers in turn: a WriteResult, or an error to throw. */
function script(answers: (WriteResult | Error)[]) {
  let calls = 0;
  const send = async () => {
    const answer = answers[Math.min(calls++, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { send, calls: () => calls };
}

afterEach(() => {
  waits.length = 0;
  configureWriteRetries({});
});

describe("sendUntilSettled", () => {
  it("retries try-again userErrors, busy keys, 5xx and lost answers, with growing waits, until the write lands", async () => {
    fast();
    const { send, calls } = script([userError("SERVICE_UNAVAILABLE"), userError("IDEMPOTENCY_CONCURRENT_REQUEST"), lostAnswer(0), { ok: true, requestId: "r" }]);
    expect(await sendUntilSettled("op", send, null)).toEqual({ ok: true, requestId: "r" });
    expect(calls()).toBe(4);
    // Hand-computed: ceiling min(40, 10·2^(n−1)), random() = 1 → the full ceiling.
    expect(waits).toEqual([10, 20, 40]);
  });

  it("returns a real refusal at once", async () => {
    fast();
    const refused: WriteResult = { ok: false, failure: "refused", userErrors: [{ field: null, message: "x", code: "INVALID_LOCATION" }], requestId: null };
    const { send, calls } = script([refused]);
    expect(await sendUntilSettled("op", send, null)).toBe(refused);
    expect(calls()).toBe(1);
  });

  it("a keyless write whose answer was lost is read back before it is sent again", async () => {
    fast();
    const { send, calls } = script([lostAnswer(502), { ok: true, requestId: "again" }]);
    expect(await sendUntilSettled("op", send, async () => true)).toEqual({ ok: true, requestId: null });
    expect(calls()).toBe(1);
  });

  it("after its attempts it throws a retryable error (the intent stays pending); a 4xx is not retried", async () => {
    fast();
    const { send } = script([lostAnswer(503)]);
    const error = await sendUntilSettled("op", send, null).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WriteStillTransientError);
    expect((error as { retryable?: boolean }).retryable).toBeUndefined();
    const forbidden = script([lostAnswer(403)]);
    await expect(sendUntilSettled("op", forbidden.send, null)).rejects.toBeInstanceOf(AdminApiError);
    expect(forbidden.calls()).toBe(1);
  });
});

describe("classifyUserErrors: what is transient (2026-10 enum descriptions)", () => {
  const errors = (...codes: string[]) => codes.map((code) => ({ field: null, message: code, code }));
  it.each([
    [["SERVICE_UNAVAILABLE"], "transient"],
    [["MOVE_QUANTITIES_FAILED"], "transient"],
    [["ADJUST_QUANTITIES_FAILED", "SERVICE_UNAVAILABLE"], "transient"],
    [["IDEMPOTENCY_CONCURRENT_REQUEST"], "busy"],
    // A real refusal beside a "try again" is still a refusal: retrying cannot fix it.
    [["SERVICE_UNAVAILABLE", "INVALID_LOCATION"], "refused"],
    [["CHANGE_FROM_QUANTITY_STALE", "SERVICE_UNAVAILABLE"], "stale"],
    [["INVALID_LOCATION"], "refused"],
  ] as const)("%j → %s", (codes, expected) => {
    expect(classifyUserErrors(errors(...codes))).toBe(expected);
  });
});
