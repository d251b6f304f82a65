/** One word for `sh -c` or `bash -c`: left alone when plainly safe, else single-quoted with embedded quotes closed and escaped. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
