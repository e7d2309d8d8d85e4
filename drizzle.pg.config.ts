// drizzle-kit configuration for PostgreSQL: `bun run db:generate:pg` writes a new migration into drizzle/pg/ from src/db/pg-schema.ts.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/pg-schema.ts",
  out: "./drizzle/pg",
});
