import type { Check } from '../types.js';
import mutableTag from './mutable-tag.js';
import notPinnedByDigest from './not-pinned-by-digest.js';
import registryNotAllowed from './registry-not-allowed.js';

export const imagesChecks: Check[] = [mutableTag, notPinnedByDigest, registryNotAllowed];
