/** meshtax's version, written into every result; a test keeps it equal to package.json's. */
export const VERSION = '0.1.0';
/** Version of the results JSON layout; bumped when a field changes meaning. */
export const RESULTS_FORMAT = 1;
