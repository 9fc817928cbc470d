import { useEffect } from "react";
import { useNavigate, useRevalidator, useSearchParams } from "@remix-run/react";

/** How often a page re-reads while work it shows is running. */
export const POLL_MS = 2_000;

/**
 * Re-runs the page's loader every POLL_MS while `busy` (an initial sync, a reconciliation, a
 * policy being applied), so the merchant sees progress without reloading.
 */
export function useRefreshWhile(busy: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [busy, revalidator]);
}

/**
 * Keyset pagination in the URL (shareable, back button works): sets or clears search params and
 * navigates, keeping the rest (e.g. a SKU filter).
 */
export function useSearchParamNavigation() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  return (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) next.delete(name);
      else next.set(name, value);
    }
    navigate(`?${next.toString()}`);
  };
}
