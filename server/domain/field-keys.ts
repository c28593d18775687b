// The key rules are shared with the client, which derives the key of a field it adds.
export { fieldKeyFromLabel, uniqueFieldKey } from '../../common/field-keys.js';
