import type { Session } from "@shopify/shopify-api";

/** Who made a change, for the audit log: the staff member's email on online sessions, else "merchant". */
export function merchantOf(session: Session): string {
  return session.onlineAccessInfo?.associated_user?.email ?? "merchant";
}
