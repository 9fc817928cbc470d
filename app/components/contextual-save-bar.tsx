/**
 * App Bridge's contextual save bar for a form with unsaved changes, with leave-page protection
 * (issue 18 § 5; a Built for Shopify requirement). The bar is App Bridge's `ui-save-bar`, driven
 * programmatically (`SaveBar open`): "Add a `<ui-save-bar>` element … then use shopify.saveBar.show(id)"
 * (https://shopify.dev/docs/api/app-home/latest/apis/user-interface-and-interactions/save-bar-api).
 * Programmatic rather than `data-save-bar`, because Safestock's forms are React state (Polaris
 * fields), not native form values the attribute could watch; one approach per form, as the doc asks.
 *
 * Leaving while the bar shows asks first: in-app navigation through Remix's `useBlocker`, and a
 * reload or a closed tab through `beforeunload`.
 */
import { useBlocker } from "@remix-run/react";
import { SaveBar } from "@shopify/app-bridge-react";
import { Modal, Text } from "@shopify/polaris";
import { useEffect } from "react";

export interface ContextualSaveBarProps {
  id: string;
  /** The form has changes not yet saved (or, for a draft, not yet in force). */
  open: boolean;
  onSave(): void;
  onDiscard(): void;
  saving?: boolean;
  saveDisabled?: boolean;
  /** What leaving loses, for the confirmation. */
  leaveMessage?: string;
  /** Whether a reload or a closed tab would lose changes (default: whenever the bar shows). */
  unsavedOnUnload?: boolean;
}

export function ContextualSaveBar({ id, open, onSave, onDiscard, saving = false, saveDisabled = false, leaveMessage, unsavedOnUnload = open }: ContextualSaveBarProps) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => open && currentLocation.pathname !== nextLocation.pathname);

  useEffect(() => {
    if (!unsavedOnUnload) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsavedOnUnload]);

  return (
    <>
      <SaveBar id={id} open={open}>
        <button variant="primary" onClick={onSave} loading={saving ? "" : undefined} disabled={saveDisabled || undefined}></button>
        <button onClick={onDiscard}></button>
      </SaveBar>
      <Modal
        open={blocker.state === "blocked"}
        onClose={() => blocker.reset?.()}
        title="Leave page with unsaved changes?"
        primaryAction={{ content: "Leave page", destructive: true, onAction: () => blocker.proceed?.() }}
        secondaryActions={[{ content: "Stay", onAction: () => blocker.reset?.() }]}
      >
        <Modal.Section>
          <Text as="p">{leaveMessage ?? "Leaving this page will discard your unsaved changes."}</Text>
        </Modal.Section>
      </Modal>
    </>
  );
}
