// A small seeded PRNG (mulberry32): the same seed gives the same dataset on every machine.
// Credentials are not drawn from it (`credentials`, below).
import { randomBytes, randomUUID } from "node:crypto";

export interface Random {
  /** A float in [0, 1). */
  next: () => number;
  /** An integer in [min, max]. */
  int: (min: number, max: number) => number;
  pick: <T>(items: readonly T[]) => T;
  /** A key of `weights`, with probability proportional to its weight. */
  weighted: (weights: Readonly<Record<string, number>>) => string;
  /** A version 4 GUID (lowercase). */
  guid: () => string;
  /** `bytes` random bytes as base64 (an opaque token). */
  token: (bytes?: number) => string;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const byte = () => int(0, 255);
  return {
    next,
    int,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(weights) {
      const entries = Object.entries(weights);
      let r = next() * entries.reduce((sum, [, w]) => sum + w, 0);
      for (const [key, w] of entries) if ((r -= w) < 0) return key;
      return entries[entries.length - 1]![0];
    },
    guid() {
      const b = Array.from({ length: 16 }, byte);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = b.map((x) => x.toString(16).padStart(2, "0")).join("");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    token(bytes = 16) {
      return Buffer.from(Array.from({ length: bytes }, byte)).toString("base64");
    },
  };
}

/**
 * Secrets and ids a client is given (logon session ids, session tokens, access and refresh
 * tokens): from node:crypto, never from the seeded PRNG above. A seed fixes the dataset, so
 * credentials drawn from it would repeat from one run to the next and between the APIs: anyone
 * who knows the seed, or has seen one run, would know the next run's first token.
 */
export const credentials = {
  /** A version 4 GUID (lowercase), as EM writes a logon session's `SessionId`. */
  guid: (): string => randomUUID(),
  /** `bytes` random bytes as base64 (an opaque token). */
  token: (bytes = 16): string => randomBytes(bytes).toString("base64"),
};
