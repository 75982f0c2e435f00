export { JsonFileError } from './errors.js';
export { readJsonFile, type WriteJsonFileOptions, writeJsonFile } from './json-file.js';
