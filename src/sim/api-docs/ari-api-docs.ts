import { applicationsApi } from './applications-api.js';
import { asteriskApi } from './asterisk-api.js';
import { channelsApi } from './channels-api.js';
import { eventsApi } from './events-api.js';
import { playbacksApi } from './playbacks-api.js';
import type { ApiDeclaration, ResourceListing } from './swagger.js';

const DECLARATIONS: Readonly<Record<string, { api: ApiDeclaration; description: string }>> = {
  asterisk: { api: asteriskApi, description: 'Asterisk resources' },
  channels: { api: channelsApi, description: 'Channel resources' },
  playbacks: { api: playbacksApi, description: 'Playback control resources' },
  events: { api: eventsApi, description: 'WebSocket resource' },
  applications: { api: applicationsApi, description: 'Stasis application resources' },
};

/** Names of the resources the simulator serves (`<name>.json` under /ari/api-docs). */
export const ARI_RESOURCE_NAMES: readonly string[] = Object.keys(DECLARATIONS);

/**
 * The simulator's Swagger 1.1 resource listing, with `basePath` set to the host that
 * was asked, as a live Asterisk rewrites it (e.g. `http://127.0.0.1:8088/ari`).
 */
export function ariResourceListing(basePath: string): ResourceListing {
  return {
    apiVersion: '10.0.0',
    swaggerVersion: '1.1',
    basePath,
    apis: ARI_RESOURCE_NAMES.map((name) => ({
      path: `/api-docs/${name}.{format}`,
      description: DECLARATIONS[name]?.description ?? '',
    })),
  };
}

/** One resource's API declaration with `basePath` rewritten, or undefined for an unknown name. */
export function ariApiDeclaration(name: string, basePath: string): ApiDeclaration | undefined {
  const declaration = Object.hasOwn(DECLARATIONS, name) ? DECLARATIONS[name] : undefined;
  return declaration && { ...declaration.api, basePath };
}
