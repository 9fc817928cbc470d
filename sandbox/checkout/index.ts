/**
 * The emulated Online Store checkout. It runs Safestock's **real** cart-validation Function
 * (extensions/safestock-cart-validation) the way Shopify does at checkout
 * (https://shopify.dev/docs/api/functions/latest/cart-and-checkout-validation):
 *   1. validate the extension's input query against the official Function schema;
 *   2. execute it over the cart and the emulated shop's current state → the Function input;
 *   3. call `cartValidationsGenerateRun(input)` and check its output against the schema;
 *   0. only while the shop has an *enabled* validation of that Function (validationCreate with
 *      `enable: true`; ValidationCreateInput.enable "Whether the validation should be live on the
 *      merchant checkout", default false): a deployed Function with no active validation never runs;
 *   4. any `validationAdd` error blocks checkout; otherwise Shopify itself creates the order
 *      (sourceName "web", the Online Store channel) carrying the checkout's `checkout_token` and
 *      `cart_token` — the checkout UI extension's `checkoutToken` is that `checkout_token`
 *      (shopify.dev/docs/api/checkout-ui-extensions/latest/apis/checkout-token) — and no app's
 *      Admin API rate limit pays for it.
 *
 *   const run = await runCheckout(sandbox, { lines: [{ variantId, quantity: 3 }] });
 *   run.errors  // [{ message: "Only 2 left — please lower the quantity", target: "$.cart.lines[0].quantity" }]
 *   await placeOrderThroughCheckout(sandbox, { lines })  // { placed: false, ... } when blocked
 *
 * Not emulated: Shopify's own availability checks beyond what `orderCreate` enforces
 * (DECREMENT_OBEYING_POLICY), publication to the Online Store, discounts, delivery, payment, and
 * the "allow checkout when the Function fails" setting — a Function error here throws.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ShopEmulator } from "../contract.js";
import {
  cartValidationsGenerateRun,
  type CartValidationsGenerateRunInput,
  type CartValidationsGenerateRunResult,
  type ValidationError,
} from "../../extensions/safestock-cart-validation/src/index.js";
import { CART_VALIDATION_FUNCTION } from "../admin-api/mutations/validations.js";
import { functionOutputErrors, functionSchema, parseInputQuery } from "./function-schema.js";
import {
  BUYER_JOURNEY_STEPS,
  CheckoutCartError,
  type CartAttributeInput,
  executeInputQuery,
  functionInputGraph,
  type BuyerJourneyStep,
  type CheckoutLineInput,
} from "./input.js";

export type { BuyerJourneyStep, CartAttributeInput, CheckoutLineInput } from "./input.js";

/** The extension's input query, read from disk on every run so edits to it take effect at once. */
export const INPUT_QUERY_FILE = fileURLToPath(
  new URL("../../extensions/safestock-cart-validation/src/cart_validations_generate_run.graphql", import.meta.url),
);

/** Shopify limits the whole Function input to 64,000 bytes (docs/decisions/012 "Checkout"). */
export const FUNCTION_INPUT_LIMIT_BYTES = 64_000;

/**
 * What the checkout needs from a sandbox (a full `Sandbox` from ../http/compose.ts fits; spelled
 * out here because compose serves the checkout, so importing it back would be a cycle).
 */
export interface CheckoutSandbox {
  readonly apiKey: string;
  shop(domain?: string): ShopEmulator;
  placeOrder(
    input: { lineItems: { variantId: string; quantity: number }[]; sourceName?: string; email?: string },
    domain?: string,
  ): Promise<{ status: number; body: unknown }>;
}

export interface RunCheckoutInput {
  /** Shop domain; default the sandbox's first shop. */
  shop?: string;
  lines: CheckoutLineInput[];
  /** Default CHECKOUT_COMPLETION: the buyer pressing "Pay now". */
  step?: BuyerJourneyStep;
  /** The cart's attributes (e.g. the hold key the checkout block sets); they carry over to the order. */
  attributes?: CartAttributeInput[];
}

export interface CheckoutRun {
  /** Every `validationAdd` error the Function returned; empty means checkout may proceed. */
  errors: ValidationError[];
  /** The Function input built from the shop's state (what Shopify would pass on STDIN); null when no active validation ran it. */
  input: CartValidationsGenerateRunInput | null;
  /** The Function output as returned (schema-checked); null when no active validation ran it. */
  output: CartValidationsGenerateRunResult | null;
}

export interface PlaceOrderThroughCheckoutInput extends Omit<RunCheckoutInput, "step"> {
  email?: string;
  /** The checkout's token (what the checkout UI extension sees as `checkoutToken`); default: a fresh one. */
  checkoutToken?: string;
  /** The cart's token; default: a fresh one. */
  cartToken?: string;
}

let checkoutCounter = 0;
/** A checkout or cart token of Shopify's shape (32 hex characters), unique per process. */
export function newCheckoutToken(): string {
  checkoutCounter += 1;
  return randomUUID().replace(/-/g, "").slice(0, 24) + checkoutCounter.toString(16).padStart(8, "0");
}

export interface CheckoutOrderResult extends CheckoutRun {
  placed: boolean;
  /** The created order, when placed. */
  order: { id: string; legacyResourceId: string; name: string } | null;
  /** orderCreate userErrors (e.g. stock under DECREMENT_OBEYING_POLICY) when validation passed but Shopify refused. */
  userErrors: { field: string[] | null; message: string }[];
  /** The raw orderCreate response, when it was called. */
  response: { status: number; body: unknown } | null;
}

/** Run the cart-validation Function for a cart on the emulated shop's current state. */
export async function runCheckout(sandbox: CheckoutSandbox, request: RunCheckoutInput): Promise<CheckoutRun> {
  const step = request.step ?? "CHECKOUT_COMPLETION";
  if (!BUYER_JOURNEY_STEPS.includes(step)) throw new CheckoutCartError(`step must be one of ${BUYER_JOURNEY_STEPS.join(", ")}`, "INVALID", null);
  if (!Array.isArray(request.lines) || request.lines.length === 0) throw new CheckoutCartError("lines must be a non-empty array", "INVALID", null);

  const snapshot = sandbox.shop(request.shop).snapshot();
  const active = snapshot.validations.some((validation) => validation.enabled && validation.functionHandle === CART_VALIDATION_FUNCTION.handle);
  if (!active) return { errors: [], input: null, output: null };

  const schema = functionSchema();
  // Shopify rejects an invalid input query at deploy; here it fails the run (and the tests).
  const document = parseInputQuery(readFileSync(INPUT_QUERY_FILE, "utf8"), schema);
  const graph = functionInputGraph({ snapshot, apiKey: sandbox.apiKey, lines: request.lines, step, attributes: request.attributes ?? [] });
  const input = executeInputQuery(schema, document, graph) as unknown as CartValidationsGenerateRunInput;
  const size = new TextEncoder().encode(JSON.stringify(input)).length;
  if (size > FUNCTION_INPUT_LIMIT_BYTES) {
    throw new Error(`Function input is ${size} bytes, over Shopify's ${FUNCTION_INPUT_LIMIT_BYTES}-byte limit`);
  }

  // Round-trip through JSON like the Wasm boundary does, so the Function cannot share objects with us.
  const output = JSON.parse(JSON.stringify(cartValidationsGenerateRun(JSON.parse(JSON.stringify(input))))) as CartValidationsGenerateRunResult;
  const outputErrors = functionOutputErrors(output, schema);
  if (outputErrors.length) throw new Error(`The Function returned an invalid output:\n  ${outputErrors.join("\n  ")}`);

  const errors = output.operations.flatMap((op) => op.validationAdd?.errors ?? []);
  return { errors, input, output };
}

interface OrderCreateBody {
  data?: { orderCreate?: { order: { id: string; legacyResourceId: string; name: string } | null; userErrors: { field: string[] | null; message: string }[] } };
  errors?: unknown[];
}

/**
 * Checkout completion: validate at CHECKOUT_COMPLETION and place the order through the sandbox's
 * `placeOrder` (Admin `orderCreate`, sourceName "web") only when the Function returned no errors.
 */
export async function placeOrderThroughCheckout(sandbox: CheckoutSandbox, request: PlaceOrderThroughCheckoutInput): Promise<CheckoutOrderResult> {
  const run = await runCheckout(sandbox, { ...request, step: "CHECKOUT_COMPLETION" });
  if (run.errors.length) return { ...run, placed: false, order: null, userErrors: [], response: null };

  const shop = sandbox.shop(request.shop);
  const lines = request.lines.map(({ variantId, quantity }) => ({ variantId, quantity }));
  if (shop.completeCheckout) {
    const completed = await shop.completeCheckout({
      lines,
      checkoutToken: request.checkoutToken ?? newCheckoutToken(),
      cartToken: request.cartToken ?? newCheckoutToken(),
      attributes: request.attributes ?? [],
      ...(request.email ? { email: request.email } : {}),
    });
    return { ...run, placed: completed.order !== null, order: completed.order, userErrors: completed.userErrors, response: { status: 200, body: completed } };
  }
  // A stand-in shop without a checkout: the Admin API, without tokens.
  const response = await sandbox.placeOrder({ lineItems: lines, sourceName: "web", ...(request.email ? { email: request.email } : {}) }, request.shop);
  const body = response.body as OrderCreateBody;
  const payload = body.data?.orderCreate;
  const order = payload?.order ?? null;
  const userErrors = payload?.userErrors ?? (body.errors ? [{ field: null, message: JSON.stringify(body.errors) }] : []);
  return { ...run, placed: order !== null, order, userErrors, response };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", ...headers } });

export interface HandleCheckoutOptions {
  /** The already-parsed JSON body (sandbox/http/compose.ts reads the body before routing). */
  body?: Record<string, unknown>;
  /** The shop compose resolved from the host / `?shop=` / body. */
  shop?: string;
  /** Extra response headers (compose's CORS headers). */
  headers?: Record<string, string>;
}

/**
 * POST /sandbox/checkout — JSON in, JSON out.
 *   {shop?, lines:[{variantId, quantity}], step?, attributes?:[{key, value}]} → 200 {errors, input, output}
 *   {shop?, lines, attributes?, placeOrder: true, email?, checkoutToken?, cartToken?} → 200 {placed, order, errors, userErrors, input, output}
 * `lineItems` is accepted for `lines` (the shape of POST /sandbox/orders). A cart Shopify would
 * refuse (unknown variant, bad quantity or step) → 400 {error, code}.
 */
export async function handleCheckoutRequest(sandbox: CheckoutSandbox, request: Request, options: HandleCheckoutOptions = {}): Promise<Response> {
  const headers = options.headers ?? {};
  if (request.method.toUpperCase() !== "POST") return json(405, { error: "POST /sandbox/checkout" }, headers);
  let body = options.body;
  if (!body) {
    try {
      const text = await request.text();
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return json(400, { error: "invalid JSON body" }, headers);
    }
  }
  const lines = (body.lines ?? body.lineItems) as CheckoutLineInput[] | undefined;
  if (!Array.isArray(lines) || lines.length === 0) return json(400, { error: "lines required: [{variantId, quantity}]" }, headers);
  const shop = options.shop ?? (typeof body.shop === "string" ? body.shop : (new URL(request.url).searchParams.get("shop") ?? undefined));
  if (body.attributes !== undefined && !Array.isArray(body.attributes)) return json(400, { error: "attributes must be an array: [{key, value}]" }, headers);
  const attributes = (body.attributes ?? []) as CartAttributeInput[];
  try {
    if (body.placeOrder === true) {
      const result = await placeOrderThroughCheckout(sandbox, {
        shop,
        lines,
        attributes,
        ...(typeof body.email === "string" ? { email: body.email } : {}),
        ...(typeof body.checkoutToken === "string" ? { checkoutToken: body.checkoutToken } : {}),
        ...(typeof body.cartToken === "string" ? { cartToken: body.cartToken } : {}),
      });
      return json(200, result, headers);
    }
    const step = typeof body.step === "string" ? (body.step as BuyerJourneyStep) : undefined;
    return json(200, await runCheckout(sandbox, { shop, lines, attributes, ...(step ? { step } : {}) }), headers);
  } catch (error) {
    if (error instanceof CheckoutCartError) return json(400, { error: error.message, code: error.code, lineIndex: error.lineIndex }, headers);
    if (error instanceof Error && /^unknown sandbox shop/.test(error.message)) return json(404, { error: error.message }, headers);
    throw error;
  }
}
