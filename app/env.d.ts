/// <reference types="@remix-run/node" />
declare module "*.css" {
  const href: string;
  export default href;
}

/** remix-serve's request logger (a dependency of @remix-run/serve; no @types package is installed): the part app/entry.server.tsx uses. */
declare module "morgan" {
  interface Morgan {
    token(name: string, callback: (req: { originalUrl?: string; url?: string }) => string | undefined): Morgan;
  }
  const morgan: Morgan;
  export default morgan;
}
