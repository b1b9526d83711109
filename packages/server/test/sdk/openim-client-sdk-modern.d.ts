// The published modern build of @openim/client-sdk (see js-sdk.ts) has no type declarations of its
// own: it is the same source as the package's main entry, whose declarations it shares.
declare module '@openim/client-sdk/lib/index.modern.mjs' {
  export * from '@openim/client-sdk';
}
