import type { Check } from '../types.js';
import defaultClass from './default-class.js';
import unencryptedClass from './unencrypted-class.js';

export const storageChecks: Check[] = [defaultClass, unencryptedClass];
