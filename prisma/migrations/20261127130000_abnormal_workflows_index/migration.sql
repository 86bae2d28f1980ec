-- The API's reconciler asks every 30 s for the credentials whose workflow closed abnormally. Without
-- this partial index that lookup walked every credential (by the primary key): now it reads only the
-- few it returns. Partial indexes cannot be declared in schema.prisma, so it lives here only.
CREATE INDEX "credentials_abnormal_workflow_idx" ON "credentials" ("number")
  WHERE "workflow_status" NOT IN ('running', 'completed');
