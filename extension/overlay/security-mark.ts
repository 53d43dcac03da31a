// The security mark: three pictures and a colour, drawn at random on this device and shown in
// every Noise frame. A page can draw a look-alike compose or read box, but it cannot read our
// frames (they are on the extension's origin) and the mark is never in the page or in any
// web-accessible file, so a box without the user's mark is not ours. Mailvelope's "security
// background" was spoofable because its image was a web-accessible resource; ours is data in
// the extension's database, delivered only to our own pages. The 64 picture files themselves are
// public (they ship in the package, not web-accessible): which three, and the hue, are the secret.

/**
 * 64 pictures, by the name of their SVG file in extension/public/pictures (Twemoji, drawn the
 * same everywhere: no emoji font needed): 64³ = 262,144 marks, × 12 hues. A stored mark holds
 * indexes into this list, so its order is fixed for good (append only).
 */
export const MARK_PICTURES: readonly string[] = [
  'fox',
  'turtle',
  'octopus',
  'owl',
  'bee',
  'butterfly',
  'whale',
  'giraffe',
  'elephant',
  'hedgehog',
  'penguin',
  'crab',
  'snail',
  'parrot',
  'frog',
  'zebra',
  'cactus',
  'sunflower',
  'mushroom',
  'fir-tree',
  'maple-leaf',
  'tulip',
  'clover',
  'palm-tree',
  'lemon',
  'grapes',
  'watermelon',
  'cherries',
  'carrot',
  'corn',
  'pretzel',
  'cheese',
  'doughnut',
  'cookie',
  'balloon',
  'gift',
  'guitar',
  'trumpet',
  'drum',
  'die',
  'puzzle-piece',
  'kite',
  'anchor',
  'bicycle',
  'sailboat',
  'locomotive',
  'rocket',
  'flying-saucer',
  'alarm-clock',
  'key',
  'light-bulb',
  'telescope',
  'magnet',
  'ringed-planet',
  'crescent-moon',
  'star',
  'rainbow',
  'snowflake',
  'fire',
  'wave',
  'mountain',
  'castle',
  'moai',
  'top-hat',
];

/** Twelve hues 30° apart: distinct enough to remember as "the green one". */
export const MARK_HUES = 12;

export interface SecurityMark {
  /** Indexes into MARK_PICTURES. */
  symbols: [number, number, number];
  /** 0 … MARK_HUES-1; the hue is hue × 30°. */
  hue: number;
  createdAt: number;
}

/** A uniform index below `n` (n ≤ 256) from the CSPRNG, without modulo bias. */
function uniform(n: number, random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array): number {
  const limit = 256 - (256 % n);
  for (;;) {
    const [b] = random(new Uint8Array(1));
    if (b !== undefined && b < limit) return b % n;
  }
}

export function newSecurityMark(
  now = Date.now(),
  random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array = (b) => crypto.getRandomValues(b),
): SecurityMark {
  const n = MARK_PICTURES.length;
  return {
    symbols: [uniform(n, random), uniform(n, random), uniform(n, random)],
    hue: uniform(MARK_HUES, random),
    createdAt: now,
  };
}

export function isSecurityMark(v: unknown): v is SecurityMark {
  const m = v as SecurityMark | null;
  const index = (i: unknown, n: number) => Number.isInteger(i) && (i as number) >= 0 && (i as number) < n;
  return (
    !!m &&
    Array.isArray(m.symbols) &&
    m.symbols.length === 3 &&
    m.symbols.every((s) => index(s, MARK_PICTURES.length)) &&
    index(m.hue, MARK_HUES) &&
    typeof m.createdAt === 'number'
  );
}

/** What the frames and the options page show. */
export interface SecurityMarkView {
  /** The three pictures' ids: files /pictures/<id>.svg, names `mark_<id>` in _locales. */
  pictures: string[];
  /** The pictures' English names, for the security log ("fox, cactus, balloon"). */
  names: string;
  hueDegrees: number;
  createdAt: number;
}

export function viewOf(mark: SecurityMark): SecurityMarkView {
  const pictures = mark.symbols.map((i) => MARK_PICTURES[i] as string);
  return {
    pictures,
    names: pictures.map((id) => id.replace(/-/g, ' ')).join(', '),
    hueDegrees: mark.hue * (360 / MARK_HUES),
    createdAt: mark.createdAt,
  };
}

/** The message name of a picture's localised name (Chrome allows [A-Za-z0-9_@] only). */
export const pictureMessage = (id: string): string => `mark_${id.replace(/-/g, '_')}`;
