/** How many leading bytes an error message shows; enough to recognise a payload, short enough to log. */
const SHOWN_BYTES = 16;

/**
 * Describes a payload for an error message: its length and its first bytes in hex,
 * e.g. `3 bytes (0x01 02 03)`. Serde errors say what they expected and show what they got.
 */
export function describeBytes(data: Buffer): string {
  const shown = data.subarray(0, SHOWN_BYTES).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  const more = data.length > SHOWN_BYTES ? ' …' : '';
  return `${data.length} byte${data.length === 1 ? '' : 's'}${data.length > 0 ? ` (0x${shown}${more})` : ''}`;
}
