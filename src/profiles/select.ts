import type { Inventory } from '../model/inventory.js';
import { detectPlatform } from './howso-platform.js';

export const PROFILE_NAMES = ['auto', 'howso-platform', 'none'] as const;
export type ProfileRequest = (typeof PROFILE_NAMES)[number];

/** The profile an audit uses, and whether it was detected or asked for. */
export interface ActiveProfile {
  name: 'howso-platform';
  detected: boolean;
}

/** Picks the profile: the one asked for, or with `auto` the platform's when its charts or values are recognised. */
export function selectProfile(inventory: Inventory, request: ProfileRequest): ActiveProfile | undefined {
  if (request === 'none') return undefined;
  if (request === 'howso-platform') return { name: 'howso-platform', detected: false };
  return detectPlatform(inventory) ? { name: 'howso-platform', detected: true } : undefined;
}
