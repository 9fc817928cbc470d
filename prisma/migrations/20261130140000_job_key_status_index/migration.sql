-- The lease query checks "no job with this key is running" per candidate row (sqlite-queue.server.ts).
CREATE INDEX "Job_key_status_idx" ON "Job"("key", "status");
