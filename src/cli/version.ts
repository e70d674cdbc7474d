/** The package version, for `vod-upload --version` (the bundler inlines package.json). */
import pkg from '../../package.json' with { type: 'json' };

export const CLI_VERSION: string = pkg.version;
