// The security mark: three pictures and a colour, drawn at random on this device and shown in
// every Noise frame. A page can draw a look-alike compose or read box, but it cannot read our
// frames (they are on the extension's origin) and the mark is never in the page or in any
// web-accessible file, so a box without the user's mark is not ours. Mailvelope's "security
// background" was spoofable because its image was a web-accessible resource; ours is data in
// the extension's database, delivered only to our own pages.

/** 64 pictures with the names a screen reader says for them: 64³ = 262,144 marks, × 12 hues. */
export const MARK_SYMBOLS: readonly (readonly [string, string])[] = [
  ['🦊', 'fox'],
  ['🐢', 'turtle'],
  ['🐙', 'octopus'],
  ['🦉', 'owl'],
  ['🐝', 'bee'],
  ['🦋', 'butterfly'],
  ['🐳', 'whale'],
  ['🦒', 'giraffe'],
  ['🐘', 'elephant'],
  ['🦔', 'hedgehog'],
  ['🐧', 'penguin'],
  ['🦀', 'crab'],
  ['🐌', 'snail'],
  ['🦜', 'parrot'],
  ['🐸', 'frog'],
  ['🦓', 'zebra'],
  ['🌵', 'cactus'],
  ['🌻', 'sunflower'],
  ['🍄', 'mushroom'],
  ['🌲', 'fir tree'],
  ['🍁', 'maple leaf'],
  ['🌷', 'tulip'],
  ['🍀', 'clover'],
  ['🌴', 'palm tree'],
  ['🍋', 'lemon'],
  ['🍇', 'grapes'],
  ['🍉', 'watermelon'],
  ['🍒', 'cherries'],
  ['🥕', 'carrot'],
  ['🌽', 'corn'],
  ['🥨', 'pretzel'],
  ['🧀', 'cheese'],
  ['🍩', 'doughnut'],
  ['🍪', 'cookie'],
  ['🎈', 'balloon'],
  ['🎁', 'gift'],
  ['🎸', 'guitar'],
  ['🎺', 'trumpet'],
  ['🥁', 'drum'],
  ['🎲', 'die'],
  ['🧩', 'puzzle piece'],
  ['🪁', 'kite'],
  ['⚓', 'anchor'],
  ['🚲', 'bicycle'],
  ['⛵', 'sailboat'],
  ['🚂', 'locomotive'],
  ['🚀', 'rocket'],
  ['🛸', 'flying saucer'],
  ['⏰', 'alarm clock'],
  ['🔑', 'key'],
  ['💡', 'light bulb'],
  ['🔭', 'telescope'],
  ['🧲', 'magnet'],
  ['🪐', 'ringed planet'],
  ['🌙', 'crescent moon'],
  ['⭐', 'star'],
  ['🌈', 'rainbow'],
  ['❄️', 'snowflake'],
  ['🔥', 'fire'],
  ['🌊', 'wave'],
  ['🏔️', 'mountain'],
  ['🏰', 'castle'],
  ['🗿', 'moai'],
  ['🎩', 'top hat'],
];

/** Twelve hues 30° apart: distinct enough to remember as "the green one". */
export const MARK_HUES = 12;

export interface SecurityMark {
  /** Indexes into MARK_SYMBOLS. */
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
  const n = MARK_SYMBOLS.length;
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
    m.symbols.every((s) => index(s, MARK_SYMBOLS.length)) &&
    index(m.hue, MARK_HUES) &&
    typeof m.createdAt === 'number'
  );
}

/** What the frames and the options page show. */
export interface SecurityMarkView {
  pictures: string;
  /** The pictures' names, for screen readers ("fox, cactus, balloon"). */
  names: string;
  hueDegrees: number;
  createdAt: number;
}

export function viewOf(mark: SecurityMark): SecurityMarkView {
  const symbols = mark.symbols.map((i) => MARK_SYMBOLS[i] as readonly [string, string]);
  return {
    pictures: symbols.map(([p]) => p).join(''),
    names: symbols.map(([, name]) => name).join(', '),
    hueDegrees: mark.hue * (360 / MARK_HUES),
    createdAt: mark.createdAt,
  };
}
