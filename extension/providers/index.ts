// The provider adapters, and the choice of one for a page: the first specific adapter that
// recognises it, else the generic one.

import { createGenericAdapter, generic } from './generic.ts';
import { gmail } from './gmail.ts';
import { outlook } from './outlook.ts';
import type { PageLocation, ProviderAdapter } from './types.ts';
import { yahoo } from './yahoo.ts';

export { findArmoredElements } from './armor.ts';
export type {
  Composer,
  DisplayedMessage,
  PageLocation,
  ProviderAdapter,
  ProviderName,
  Recipients,
} from './types.ts';
export { createGenericAdapter, generic, gmail, outlook, yahoo };

export const SPECIFIC_ADAPTERS: readonly ProviderAdapter[] = [gmail, outlook, yahoo];

export function selectAdapter(location: PageLocation, document: Document): ProviderAdapter {
  return SPECIFIC_ADAPTERS.find((a) => a.detect(location, document)) ?? generic;
}
