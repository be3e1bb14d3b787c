-- First statement of every staging batch: locks the partition's progress row until the batch
-- commits, and checks nobody moved it since this attempt read it ($4 = the files_done it read).
-- 0 rows means another attempt got there first; a concurrent attempt waits here for our commit.
-- $1 staging, $2 partitions, $3 partition, $4 expected files_done
UPDATE staging_progress
SET files_done = files_done
WHERE staging = $1 AND partitions = $2 AND partition_no = $3 AND files_done = $4;
