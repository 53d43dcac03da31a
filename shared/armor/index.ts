// The tolerant armor detector: finds PGP MESSAGE, PGP SIGNED MESSAGE (with its signature),
// PGP PUBLIC KEY BLOCK and NOISE ENVELOPE armor in text, and returns canonical armor an OpenPGP
// reader accepts. Repaired: quoted-printable soft breaks and `=3D` leftovers, `>` quoting at any
// consistent depth, non-breaking and other Unicode spaces, CRLF/CR, HTML entities, base64 re-wrapped
// at any width (re-split at 64), blank lines added or removed after the headers, trailing blanks.
// Zero dependencies: it runs in content scripts (about 8 KB minified).
export { type ArmorKind, type FoundArmor, findArmor } from './detect.ts';
