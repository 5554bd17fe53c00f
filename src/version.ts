/** The release, as in package.json (a test keeps them equal). */
export const DIALSTATE_VERSION = '0.1.0';
