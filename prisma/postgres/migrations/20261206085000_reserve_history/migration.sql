-- AlterTable
ALTER TABLE "ChannelState" ADD COLUMN     "reserveHistory" TEXT NOT NULL DEFAULT '[]';
