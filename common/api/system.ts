import { z } from 'zod';

export const health = z
  .object({ status: z.literal('ok'), database: z.literal('ok'), redis: z.literal('ok') })
  .meta({ id: 'Health' });

export const clientConfig = z
  .object({
    mapTileUrl: z.string().nullable().meta({ description: 'Raster tile URL template; null draws the offline basemap only.' }),
    mapTileAttribution: z.string().meta({ description: 'Attribution of the tiles; trusted HTML set by the operator.' }),
    uploadMaxBytes: z.number().int().meta({ description: 'Largest file the server accepts for an import, in bytes.' }),
    orcidSignIn: z.boolean().meta({ description: 'Whether ORCID sign-in is configured.' }),
    signUpEnabled: z.boolean().meta({ description: 'Whether visitors may sign up by themselves.' }),
  })
  .meta({ id: 'ClientConfig' });
export type ClientConfig = z.infer<typeof clientConfig>;
