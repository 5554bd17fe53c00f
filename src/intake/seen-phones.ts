/** The phones already seen in one file, with the row each was first seen on. */
export interface SeenPhones {
  /**
   * Remembers `phone` as seen on `rowNumber` unless it was seen before; returns the
   * earlier row in that case, else null.
   */
  firstRowOf(phone: string, rowNumber: number): number | null;
  readonly size: number;
}

const INITIAL_SLOTS = 1 << 16;
const TWO_32 = 2 ** 32;
/** E.164 numbers of up to 15 digits are integers below 2^53: exact as doubles. */
const E164_AS_NUMBER = /^\+[1-9]\d{0,14}$/;

/**
 * Creates the set a file's rows are deduplicated with. A million-row file holds up to a
 * million numbers, so E.164 numbers are kept as doubles in an open-addressing table
 * beside their row numbers as 32-bit integers (12 bytes a slot, at most half full: 24 MB
 * for a million numbers) rather than as strings in a Map (60 or more bytes an entry);
 * extensions and anything else go to a Map.
 */
export function createSeenPhones(): SeenPhones {
  let keys = new Float64Array(INITIAL_SLOTS);
  // Row numbers stay far below 2^32 (a file holds at most `maxRows`, millions).
  let rows = new Uint32Array(INITIAL_SLOTS);
  let used = 0;
  const others = new Map<string, number>();

  function slotOf(table: Float64Array, key: number): number {
    const mask = table.length - 1;
    let slot =
      (Math.imul(key >>> 0, 0x9e3779b1) ^ Math.imul(Math.floor(key / TWO_32), 0x85ebca77)) & mask;
    // Keys are never 0 (an E.164 number starts with 1-9), so 0 marks an empty slot.
    while (table[slot] !== 0 && table[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  function grow(): void {
    const oldKeys = keys;
    const oldRows = rows;
    keys = new Float64Array(oldKeys.length * 2);
    rows = new Uint32Array(oldKeys.length * 2);
    for (let i = 0; i < oldKeys.length; i++) {
      const key = oldKeys[i] ?? 0;
      if (key === 0) continue;
      const slot = slotOf(keys, key);
      keys[slot] = key;
      rows[slot] = oldRows[i] ?? 0;
    }
  }

  return {
    firstRowOf(phone, rowNumber) {
      if (!E164_AS_NUMBER.test(phone)) {
        const earlier = others.get(phone);
        if (earlier !== undefined) return earlier;
        others.set(phone, rowNumber);
        return null;
      }
      const key = Number(phone.slice(1));
      const slot = slotOf(keys, key);
      if (keys[slot] === key) return rows[slot] ?? null;
      keys[slot] = key;
      rows[slot] = rowNumber;
      used += 1;
      if (used * 2 > keys.length) grow();
      return null;
    },
    get size() {
      return used + others.size;
    },
  };
}
