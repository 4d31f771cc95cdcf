/** What the store tests share besides Azurite (test/support/azurite.ts). */

export const ARM_ID = '/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-media/providers/microsoft.media/mediaservices/amsprimary';
export const AT = '2024-06-01T09:30:00.000Z';

/** A connection string like `connectionString`, with the table endpoint somewhere nothing listens. */
export function deadTableEndpoint(connectionString: string): string {
  return connectionString.replace(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+/, 'TableEndpoint=http://127.0.0.1:1');
}
