-- First statement of every staging batch: locks the partition's progress row until the batch
-- commits, and checks nobody moved it since this attempt read it ($4 = the files_done it read)
-- and that staging is still at this attempt's round ($5; the marker row vanishes in a crash).
-- 0 rows means another attempt got there first or staging was lost; a concurrent attempt waits
-- here for our commit.
-- $1 staging, $2 partitions, $3 partition, $4 expected files_done, $5 staging round
UPDATE staging_progress
SET files_done = files_done
WHERE staging = $1 AND partitions = $2 AND partition_no = $3 AND files_done = $4
  AND EXISTS (SELECT 1 FROM staging_epoch WHERE epoch = CAST($5 AS INTEGER));
