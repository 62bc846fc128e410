/** The part of js-md4 (no bundled types) that imported-hash.ts uses. */
declare module 'js-md4' {
  interface Md4 {
    update(message: string | ArrayBuffer | Uint8Array): Md4;
    arrayBuffer(): ArrayBuffer;
  }
  const md4: { create(): Md4 };
  export default md4;
}
