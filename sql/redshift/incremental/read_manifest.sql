-- Every file of one staging kind the manifest holds, with the size and ETag it had when loaded.
SELECT path, size, etag FROM loaded_files WHERE staging = {{staging:literal}};
