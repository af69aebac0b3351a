import type { Check } from '../types.js';
import duplicateObject from './duplicate-object.js';
import invalidField from './invalid-field.js';
import invalidObject from './invalid-object.js';
import invalidSuppression from './invalid-suppression.js';
import parseError from './parse-error.js';
import unknownKind from './unknown-kind.js';

export const inputChecks: Check[] = [duplicateObject, invalidField, invalidObject, invalidSuppression, parseError, unknownKind];
