// The tolerant armor detector: finds PGP and envelope armor in text damaged by webmail.
export { type ArmorKind, type FoundArmor, findArmor } from './detect.ts';
