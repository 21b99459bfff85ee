// Small helpers for building parameterised SQL without string-pasting values.

/** `($1,$2,$3),($4,$5,$6)` for `rows` rows of `width` values, starting after `offset` parameters. */
export function valuesList(rows: number, width: number, offset = 0): string {
  return Array.from({ length: rows }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${offset + r * width + c + 1}`).join(',')})`).join(',');
}
