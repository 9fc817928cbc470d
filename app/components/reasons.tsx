import { BlockStack, Text } from "@shopify/polaris";

/**
 * Explanation lines in a table cell. Polaris table cells do not wrap; reasons can be long, so
 * this cell wraps (the tables then fit a 1280 px window).
 */
export function Reasons({ lines, empty }: { lines: string[]; empty: string }) {
  return (
    <div style={{ whiteSpace: "normal", minWidth: "16rem", maxWidth: "34rem" }}>
      {lines.length === 0 ? (
        <Text as="span" tone="subdued">
          {empty}
        </Text>
      ) : (
        <BlockStack gap="050">
          {lines.map((line, index) => (
            <Text as="span" key={index}>
              {line}
            </Text>
          ))}
        </BlockStack>
      )}
    </div>
  );
}
