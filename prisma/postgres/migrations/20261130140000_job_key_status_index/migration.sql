-- CreateIndex
CREATE INDEX "Job_key_status_idx" ON "Job"("key", "status");
