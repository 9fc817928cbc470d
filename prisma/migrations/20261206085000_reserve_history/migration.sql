-- A self-sizing reserve is held at the peak of what the marketplace may still be selling from
-- (docs/decisions/032): the listings it published in the last refresh window + sync lag.
-- AlterTable
ALTER TABLE "ChannelState" ADD COLUMN "reserveHistory" TEXT NOT NULL DEFAULT '[]';
