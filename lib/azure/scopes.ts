/** ARM's token scope, asked for by every management client whatever its endpoint. */
export const ARM_SCOPE = 'https://management.azure.com/.default';
