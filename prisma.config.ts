import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';
import { CatalogSafePool } from './db/catalog-safe-pool';

// The JS schema engine migrates through a driver adapter, so no native engine is downloaded.
// `export =`, not `export default`: compiled to CommonJS for the image (tsconfig.build.json), Prisma's
// config loader would find the config under a second `default`.
export = defineConfig({
  schema: 'prisma/schema.prisma',
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error('DATABASE_URL is not set');
    return Promise.resolve(new PrismaPg(new CatalogSafePool({ connectionString, max: 2 })));
  },
});
